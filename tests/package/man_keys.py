#!/usr/bin/env python3
"""feedd.toml(5) documents exactly the keys feedd reads (CTest `man_keys`): every key that
daemon/config*.cpp reads through a TableReader must have an entry with its default in
packaging/feedd.toml.5.in, and every entry there must be a key that is read, unless a
`.\\" pending` line precedes it (a SPEC key being built on another branch; a pending key
that is read is reported so that the mark goes). Prints each difference and exits 1.

  TableReader site(subtable(top, "site", path), "site.", path);  -> table "site"
  site.read("base_url", ...);                                    -> key "site.base_url"
  TableReader reader(*table, "languages." + language.code ...)   -> table "languages.CODE"
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
READER = re.compile(r'TableReader\s+(\w+)\s*\([^"]*"([A-Za-z0-9_.]+)"')
READ = re.compile(r'\b(\w+)\.read\(\s*"([A-Za-z0-9_]+)"')


def keys_read():
    keys = set()
    sources = sorted((ROOT / "daemon").glob("config*.cpp"))
    if not sources:
        sys.exit("man_keys: no daemon/config*.cpp under " + str(ROOT))
    for source in sources:
        tables = {}
        for line in source.read_text(encoding="utf-8").splitlines():
            reader = READER.search(line)
            if reader:
                table = reader.group(2).rstrip(".")
                tables[reader.group(1)] = "languages.CODE" if table == "languages" else table
            for var, key in READ.findall(line):
                if var not in tables:
                    sys.exit(f"man_keys: {source.name}: {var}.read(\"{key}\") on an unknown reader; "
                             "teach tests/package/man_keys.py the new pattern")
                keys.add(tables[var] + "." + key)
    return keys


def keys_documented(page):
    """{key: its .TP line} from the page's `.SH [table]` sections, and the pending ones."""
    keys = {}
    pending = set()
    table = None
    lines = page.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        section = re.match(r"\.SH \[(.*)\]$", line)
        if section:
            table = section.group(1).replace(r"\fICODE\fP", "CODE")
        elif line.startswith(".SH"):
            table = None
        elif table and line == ".TP" and i + 1 < len(lines):
            entry = re.match(r"\.BR? (\S+)", lines[i + 1])
            if entry:
                keys[table + "." + entry.group(1)] = lines[i + 1]
                if i > 0 and lines[i - 1].strip() == '.\\" pending':
                    pending.add(table + "." + entry.group(1))
    return keys, pending


def main():
    read = keys_read()
    page = ROOT / "packaging" / "feedd.toml.5.in"
    documented, pending = keys_documented(page)
    problems = [f"{k}: read by daemon/config*.cpp, missing from {page.name}"
                for k in sorted(read - documented.keys())]
    problems += [f"{k}: in {page.name}, but no such key is read"
                 for k in sorted(documented.keys() - read - pending)]
    for key in sorted(pending & read):
        print(f"man_keys: note: {key} is read now: delete its pending mark in {page.name}")
    problems += [f"{k}: no \"(default: ...)\" in {page.name}" for k, entry in sorted(documented.items())
                 if "(default" not in entry and k != "site.base_url"]
    for problem in problems:
        print("man_keys: " + problem)
    if not read:
        problems.append("no keys found")
    print(f"man_keys: {len(read)} keys read, {len(documented)} documented "
          f"({len(pending - read)} pending, not read yet), {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
