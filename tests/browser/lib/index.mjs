// The browser test harness in one import: see README.md ("Browser tests") for what each does.
export * from './service.mjs';
export * from './browser.mjs';
export * from './checks.mjs';
export * from './crawl.mjs';
export * from './keyboard.mjs';
export * from './screenshots.mjs';
export * from './sign_in.mjs';
export * from './static_server.mjs';
