#!/usr/bin/python3
"""Checks feed files the way feed readers will read them.

Usage: check_feeds.py FILE...  Prints one line per file: "<file> <entries> <lang>" and exits 1
on any failure. XML feeds are parsed with python3-feedparser (what many readers are built on)
and must not set its bozo flag; every entry needs an id, a title, a link and a parseable date.
Debian 12's feedparser (6.0.10) has no JSON Feed support, so JSON feeds are checked against
the JSON Feed 1.1 rules directly.
"""
import datetime
import json
import sys

import feedparser


def check_json(path, data):
    problems = []
    feed = json.loads(data.decode("utf-8"))
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version is not JSON Feed 1.1")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("no title")
    items = feed.get("items")
    if not isinstance(items, list):
        return ["items is not a list"], 0, "-"
    ids = set()
    for item in items:
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append("item without a string id")
        ids.add(item.get("id"))
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"item {item.get('id')!r} has neither content_html nor content_text")
        for key in ("date_published", "date_modified"):
            if key in item:
                datetime.datetime.fromisoformat(item[key].replace("Z", "+00:00"))
    if len(ids) != len(items):
        problems.append("duplicate item ids")
    return problems, len(items), feed.get("language", "-")


def check_xml(path, data):
    parsed = feedparser.parse(data)
    if parsed.bozo:
        return [f"bozo: {parsed.bozo_exception!r}"], 0, "-"
    problems = []
    if not parsed.feed.get("title"):
        problems.append("no feed title")
    for entry in parsed.entries:
        if not entry.get("id") or not entry.get("title") or not entry.get("link"):
            problems.append(f"entry without id/title/link: {entry.get('id')!r}")
        if not (entry.get("published_parsed") or entry.get("updated_parsed")):
            problems.append(f"entry without a parseable date: {entry.get('id')!r}")
    return problems, len(parsed.entries), parsed.feed.get("language", "-")


failed = False
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    check = check_json if path.endswith(".json") else check_xml
    try:
        problems, count, lang = check(path, data)
    except ValueError as error:
        problems, count, lang = [f"not valid: {error}"], 0, "-"
    for problem in problems:
        print(f"{path}: {problem}")
    failed = failed or bool(problems)
    print(f"{path} {count} {lang}")
sys.exit(1 if failed else 0)
