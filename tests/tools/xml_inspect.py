#!/usr/bin/env python3
"""Reads an XML document with parsers we did not write and prints, as JSON, what a test needs:
  well_formed  whether Python's xml.etree.ElementTree (expat) reads it; error: why not
  root         the root element's name ("{namespace}local")
  elements     every element in document order: name, attributes, text (its own, stripped)
With --atom, also what RFC 4287 requires of an Atom feed document, checked on the tree:
  atom.problems  each requirement the document breaks (empty when it holds them all)
and, when Debian's python3-feedparser is installed, how feedparser reads it:
  feedparser     {bozo, version, feed: {title, id, updated, links}, entries: [{id, title,
                 updated, link, summary, author, categories}]}
Usage: xml_inspect.py [--atom] FILE"""
import json
import sys
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def local(tag):
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


def rfc3339(text):
    """RFC 3339 date-time as RFC 4287 3.3 wants it (upper-case T and Z, a time zone)."""
    import re
    return text is not None and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", text) is not None


def atom_problems(root):
    """RFC 4287 section 4.1: what atom:feed and atom:entry MUST hold (and MUST NOT repeat)."""
    problems = []
    if root.tag != ATOM + "feed":
        return ["the root is not atom:feed"]

    def once(parent, name, where):
        found = parent.findall(ATOM + name)
        if len(found) != 1:
            problems.append(f"{where} has {len(found)} atom:{name}, not exactly one")
        return found[0] if found else None

    def check_date(element, where):
        if element is not None and not rfc3339(element.text):
            problems.append(f"{where}: {element.text!r} is not an RFC 3339 date-time")

    def check_text(element, where):
        if element is not None and element.get("type", "text") not in ("text", "html", "xhtml"):
            problems.append(f"{where}: type {element.get('type')!r}")

    def check_links(parent, where):
        seen = set()
        for link in parent.findall(ATOM + "link"):
            if not link.get("href"):
                problems.append(f"{where}: an atom:link without href")
            key = (link.get("rel", "alternate"), link.get("type"), link.get("hreflang"))
            if key[0] == "alternate" and key in seen:
                problems.append(f"{where}: two alternate links with the same type and hreflang")
            seen.add(key)

    once(root, "id", "the feed")
    check_text(once(root, "title", "the feed"), "the feed's title")
    check_date(once(root, "updated", "the feed"), "the feed's updated")
    check_links(root, "the feed")
    if not any(l.get("rel") == "self" for l in root.findall(ATOM + "link")):
        problems.append("the feed has no link rel=self (RFC 4287 4.1.1: SHOULD)")
    feed_has_author = bool(root.findall(ATOM + "author"))
    for author in root.findall(ATOM + "author"):
        if author.find(ATOM + "name") is None:
            problems.append("the feed's atom:author has no atom:name")
    ids = set()
    for n, entry in enumerate(root.findall(ATOM + "entry"), 1):
        where = f"entry {n}"
        entry_id = once(entry, "id", where)
        if entry_id is not None:
            if entry_id.text in ids:
                problems.append(f"{where}: id {entry_id.text!r} is used twice")
            ids.add(entry_id.text)
        check_text(once(entry, "title", where), f"{where}'s title")
        check_date(once(entry, "updated", where), f"{where}'s updated")
        for published in entry.findall(ATOM + "published"):
            check_date(published, f"{where}'s published")
        check_links(entry, where)
        has_alternate = any(l.get("rel", "alternate") == "alternate" for l in entry.findall(ATOM + "link"))
        if entry.find(ATOM + "content") is None and not has_alternate:
            problems.append(f"{where}: neither atom:content nor an alternate link")
        if entry.find(ATOM + "content") is None and entry.find(ATOM + "summary") is None:
            problems.append(f"{where}: no atom:summary (RFC 4287 4.1.2: SHOULD without content)")
        if not feed_has_author and not entry.findall(ATOM + "author"):
            problems.append(f"{where}: no atom:author and the feed has none")
    return problems


def feedparser_reading(data):
    try:
        import feedparser
    except ImportError:
        return None
    parsed = feedparser.parse(data)
    return {
        "bozo": bool(parsed.bozo),
        "bozo_exception": str(parsed.get("bozo_exception", "")),
        "version": parsed.version,
        "feed": {
            "title": parsed.feed.get("title"),
            "id": parsed.feed.get("id"),
            "updated": parsed.feed.get("updated"),
            "links": [{"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")}
                      for l in parsed.feed.get("links", [])],
        },
        "entries": [{
            "id": e.get("id"),
            "title": e.get("title"),
            "updated": e.get("updated"),
            "link": e.get("link"),
            "summary": e.get("summary"),
            "author": e.get("author"),
            "categories": [t.get("term") for t in e.get("tags", [])],
        } for e in parsed.entries],
    }


def main():
    args = sys.argv[1:]
    atom = "--atom" in args
    path = [a for a in args if a != "--atom"][0]
    with open(path, "rb") as f:
        data = f.read()
    out = {"well_formed": True, "error": "", "root": "", "elements": []}
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        out.update(well_formed=False, error=str(e))
        print(json.dumps(out, ensure_ascii=False))
        return
    out["root"] = root.tag
    for element in root.iter():
        out["elements"].append({"name": local(element.tag), "attrs": dict(element.attrib),
                                "text": (element.text or "").strip()})
    if atom:
        out["atom"] = {"problems": atom_problems(root)}
        out["feedparser"] = feedparser_reading(data)
    print(json.dumps(out, ensure_ascii=False))


main()
