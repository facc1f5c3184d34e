#!/usr/bin/python3
"""Parses feed files with python3-feedparser (what many feed readers are built on).

Usage: check_feeds.py FILE...  Prints one line per file: "<file> <entries> <lang>" and exits 1
if any file sets feedparser's bozo flag (not well-formed, or unparseable), or has no title.
"""
import sys

import feedparser

failed = False
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    parsed = feedparser.parse(data)
    if parsed.bozo:
        print(f"{path}: bozo: {parsed.bozo_exception!r}")
        failed = True
        continue
    if not parsed.feed.get("title"):
        print(f"{path}: no feed title")
        failed = True
        continue
    for entry in parsed.entries:
        if not entry.get("id") or not entry.get("title") or not entry.get("link"):
            print(f"{path}: entry without id/title/link: {entry.get('id')!r}")
            failed = True
        if not (entry.get("published_parsed") or entry.get("updated_parsed")):
            print(f"{path}: entry without a parseable date: {entry.get('id')!r}")
            failed = True
    print(f"{path} {len(parsed.entries)} {parsed.feed.get('language', '-')}")
sys.exit(1 if failed else 0)
