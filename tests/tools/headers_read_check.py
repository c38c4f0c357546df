#!/usr/bin/env python3
"""Every request header a handler reads is accounted for (ctest layers.headers_read).

The router checks the headers in http::headers_read (service/http/src/router.cpp) as UTF-8 text
without NUL before any handler runs, because those reach the database, an answer or the log. A
handler that starts reading another header must either add it there or be one of the readers
listed below, which only compare, hash or classify the value and never store, log or send it back
as it came. This scan finds every `req.header("name")` (and `normalised_header(req, "name")`)
under service/ and fails naming the file and line of a header that is in neither list.
Usage: headers_read_check.py SOURCE_DIR
"""
import pathlib
import re
import sys

# name -> why its bytes, whatever they are, cannot reach storage, a log or an answer.
COMPARED_ONLY = {
    "cookie": "values are hashed (sessions) or compared in constant time (form tokens); the way-back "
              "cookie is decoded and checked as a local path before use",
    "host": "compared with Origin for the same-origin check of forms",
    "origin": "compared with Host for the same-origin check of forms",
    "sec-fetch-site": "compared with \"same-origin\"",
    "user-agent": "reduced to a fixed browser and system name (web/sign_in.cpp)",
    "accept-language": "filtered to letters, digits and a few separators for the read cache's key",
}

source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
router = (source / "service/http/src/router.cpp").read_text(encoding="utf-8")
block = re.search(r"headers_read\s*=\s*\{(.*?)\};", router, re.S)
if not block:
    sys.exit("headers_read_check: no headers_read list in service/http/src/router.cpp")
checked = set(re.findall(r'"([^"]+)"', re.sub(r"//[^\n]*", "", block.group(1))))

reads = re.compile(r'\breq\.header\("([^"]+)"\)|normalised_header\(req,\s*"([^"]+)"\)')
found, problems = 0, []
for path in sorted(source.glob("service/**/*.[ch]pp")):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for m in reads.finditer(line):
            name = m.group(1) or m.group(2)
            found += 1
            if name != name.lower():
                problems.append(f"{path.relative_to(source)}:{number}: header names are looked up in lower case: {name}")
            elif name not in checked and name not in COMPARED_ONLY:
                problems.append(f"{path.relative_to(source)}:{number}: reads the header {name}, which is neither "
                                "in http::headers_read (router.cpp) nor among the compared-only headers here")
if found == 0:
    problems.append("no header reads found under service/: the scan's pattern no longer matches the code")
for name in sorted(checked & COMPARED_ONLY.keys()):
    problems.append(f"{name} is in both lists")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{found} header reads under service/, each checked by the router or compared only")
