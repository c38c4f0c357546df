// Reads iCalendar feeds back with ical.js (npm) and prints what it saw as JSON.
// usage: node check_feed.mjs FILE...   Exit 1 when ical.js refuses a file.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const out = [];
let failed = false;
for (const path of process.argv.slice(2)) {
  try {
    const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
    for (const tz of root.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.register(new ICAL.Timezone(tz));
    }
    const events = root.getAllSubcomponents("vevent").map((c) => {
      const e = new ICAL.Event(c);
      const when = (t) => (t.isDate ? t.toString() : t.toJSDate().toISOString().replace(".000Z", "Z"));
      return {
        uid: e.uid,
        summary: e.summary ?? "",
        description: e.description ?? "",
        location: e.location ?? "",
        sequence: e.sequence ?? 0,
        status: c.getFirstPropertyValue("status") ?? "",
        recurrence_id: e.recurrenceId ? when(e.recurrenceId) : null,
        start: when(e.startDate),
        end: when(e.endDate),
        start_tzid: e.startDate.zone ? e.startDate.zone.tzid : "",
        recurring: e.isRecurring(),
        categories: c.getAllProperties("categories").flatMap((p) => p.getValues()),
        has_attendee: c.getAllProperties("attendee").length > 0,
      };
    });
    out.push({ file: path, name: root.getFirstPropertyValue("x-wr-calname") ?? "", events });
  } catch (err) {
    failed = true;
    out.push({ file: path, error: String(err) });
  }
}
process.stdout.write(JSON.stringify(out));
process.exit(failed ? 1 : 0);
