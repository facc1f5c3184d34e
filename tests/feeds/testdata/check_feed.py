"""Checks one rendered feed the way a feed reader would, for tests/feeds/validation_test.cpp.

Usage: /usr/bin/python3 check_feed.py FILE
RSS and Atom go through feedparser (Debian's python3-feedparser, which has no JSON Feed
support); JSON Feed 1.1 is checked here against the spec's required fields and types.
Prints one JSON object: {"version", "bozo" (0 or 1), "error", "count", "ids", "titles",
"links"}. Exit status 0 unless the script itself fails.
"""
import datetime
import json
import sys

FEED_KEYS = {"version", "title", "home_page_url", "feed_url", "description", "user_comment",
             "next_url", "icon", "favicon", "authors", "language", "expired", "hubs", "items"}
ITEM_KEYS = {"id", "url", "external_url", "title", "content_html", "content_text", "summary",
             "image", "banner_image", "date_published", "date_modified", "authors", "tags",
             "language", "attachments"}


def check_date(value, errors, where):
    try:
        parsed = datetime.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            errors.append(where + ": date without a zone offset")
    except (TypeError, ValueError):
        errors.append(where + ": not an RFC 3339 date: %r" % (value,))


def check_keys(obj, allowed, errors, where):
    for key in obj:
        if key not in allowed and not (key.startswith("_") and len(key) > 1):
            errors.append(where + ": unknown key " + key)


def check_json_feed(path):
    errors = []
    with open(path, "rb") as f:
        data = json.loads(f.read().decode("utf-8"))
    if data.get("version") != "https://jsonfeed.org/version/1.1":
        errors.append("version")
    if not isinstance(data.get("title"), str) or not data["title"]:
        errors.append("title")
    check_keys(data, FEED_KEYS, errors, "feed")
    items = data.get("items")
    if not isinstance(items, list):
        errors.append("items is not a list")
        items = []
    for index, item in enumerate(items):
        where = "item %d" % index
        check_keys(item, ITEM_KEYS, errors, where)
        if not isinstance(item.get("id"), str) or not item["id"]:
            errors.append(where + ": id")
        if not isinstance(item.get("content_html", item.get("content_text")), str):
            errors.append(where + ": content_html or content_text")
        for key in ("date_published", "date_modified"):
            if key in item:
                check_date(item[key], errors, where)
        for author in item.get("authors", []):
            if not isinstance(author.get("name"), str):
                errors.append(where + ": author name")
        if not all(isinstance(tag, str) for tag in item.get("tags", [])):
            errors.append(where + ": tags")
    return {
        "version": "json11",
        "bozo": 1 if errors else 0,
        "error": "; ".join(errors),
        "count": len(items),
        "ids": [item.get("id") for item in items],
        "titles": [item.get("title") for item in items],
        "links": [item.get("url") for item in items],
    }


def check_xml_feed(path):
    import feedparser

    parsed = feedparser.parse(path)
    return {
        "version": parsed.get("version", ""),
        "bozo": 1 if parsed.bozo else 0,
        "error": str(parsed.get("bozo_exception", "")),
        "count": len(parsed.entries),
        "ids": [entry.get("id") for entry in parsed.entries],
        "titles": [entry.get("title") for entry in parsed.entries],
        "links": [entry.get("link") for entry in parsed.entries],
    }


def main():
    path = sys.argv[1]
    report = check_json_feed(path) if path.endswith(".json") else check_xml_feed(path)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
