// Reads an iTIP invitation (METHOD:REQUEST or CANCEL) with ical.js (npm) and prints what it saw
// as JSON. usage: node check_invitation.mjs FILE   Exit 1 when ical.js refuses it.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

try {
  const root = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
  const events = root.getAllSubcomponents("vevent").map((c) => ({
    uid: c.getFirstPropertyValue("uid"),
    sequence: c.getFirstPropertyValue("sequence") ?? 0,
    status: c.getFirstPropertyValue("status") ?? "",
    organizer: String(c.getFirstPropertyValue("organizer") ?? ""),
    attendees: c.getAllProperties("attendee").map((p) => String(p.getFirstValue())),
  }));
  console.log(JSON.stringify({ method: root.getFirstPropertyValue("method"), events }));
} catch (e) {
  console.error(String(e));
  process.exit(1);
}
