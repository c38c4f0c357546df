#!/usr/bin/env python3
"""Reads an HTML document the way a browser's tokenizer does (Python's html.parser, which we did
not write) and prints, as JSON, what a test needs to see whether values came out as text:
  tags      every start tag, in order
  elements  for each element with an id: its attributes and its text (character references
            decoded, the text of nested elements included)
  scripts   each <script>: its type and its raw content
  first     for each tag: the text of its first element
Usage: html_inspect.py FILE"""
import json
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.elements = {}
        self.scripts = []
        self.first = {}
        self.open = []  # (tag, id or None, whether it is the first of its tag)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        element_id = attributes.get("id")
        if element_id is not None:
            self.elements[element_id] = {"attrs": attributes, "text": ""}
        if tag == "script":
            self.scripts.append({"type": attributes.get("type", ""), "text": ""})
        if tag not in VOID:
            is_first = tag not in self.first
            if is_first:
                self.first[tag] = ""
            self.open.append((tag, element_id, is_first))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data):
        if self.open and self.open[-1][0] == "script":
            self.scripts[-1]["text"] += data
        for tag, element_id, is_first in self.open:
            if element_id is not None:
                self.elements[element_id]["text"] += data
            if is_first:
                self.first[tag] += data


inspector = Inspector()
with open(sys.argv[1], encoding="utf-8") as f:
    inspector.feed(f.read())
inspector.close()
print(json.dumps({"tags": inspector.tags, "elements": inspector.elements, "scripts": inspector.scripts,
                  "first": inspector.first}))
