#!/usr/bin/env python3
"""The layering rules of README "Layout and data flow", checked on every include (CTest
`layering`). Prints each include that crosses a line, with file and line, and exits 1.

  common/           nothing of ours; no Asio/Beast, no SQLite
  storage/          common/ and itself; no feeds/, daemon/, Asio/Beast
  feeds/            common/, storage/post.h and itself; no SQL, sockets, Asio/Beast, clock
  daemon/pipeline/  no Asio/Beast, nothing from daemon/http|hooks|live
  tests/integration/  none of storage/, feeds/, daemon/: it drives feedd as a process
  daemon/outbound/  common/, daemon/log.h and itself; no feeds/, storage/, other daemon/ folders
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
ASIO = re.compile(r"^boost/(asio|beast)")
SQL = re.compile(r"^(SQLiteCpp/|sqlite3\.h)")
SOCKETS = re.compile(r"^(sys/socket\.h|netinet/|arpa/inet\.h)")
CLOCK_READ = re.compile(r"\b(system_clock::now|steady_clock::now|clock_gettime|std::time\(|gettimeofday)")


def rules_for(rel):
    """(what the file may not include, as (pattern on quoted includes, pattern on system
    includes, reason)), and whether it may read the clock."""
    top = rel.parts[0]
    if top == "common":
        return [(re.compile(r"^(storage|feeds|daemon)/"), ASIO, "common/ depends on nothing of ours"),
                (None, SQL, "common/ has no SQL")], True
    if top == "storage":
        return [(re.compile(r"^(feeds|daemon)/"), ASIO, "storage/ sees neither feeds/ nor daemon/ nor Asio")], True
    if top == "feeds":
        return [(re.compile(r"^(daemon/|storage/(?!post\.h$))"), ASIO,
                 "feeds/ may use only common/ and storage/post.h, no Asio"),
                (None, SQL, "feeds/ has no SQL"), (None, SOCKETS, "feeds/ has no sockets")], False
    if rel.parts[:2] == ("daemon", "pipeline"):
        return [(re.compile(r"^daemon/(http|hooks|live)/"), ASIO,
                 "daemon/pipeline/ has no Asio and sees no other daemon/ folder")], True
    if rel.parts[:2] == ("tests", "integration"):
        # CI builds this suite once and runs it against each sanitizer tree's feedd, so code of
        # ours running inside it would escape the sanitizers.
        return [(re.compile(r"^(storage|feeds|daemon)/"), None,
                 "tests/integration/ drives feedd as a process: in-process tests belong in "
                 "tests/server/ or a unit suite")], True
    if rel.parts[:2] == ("daemon", "outbound"):
        return [(re.compile(r"^(feeds|storage)/|^daemon/(?!outbound/|log\.h$)"), None,
                 "daemon/outbound/ uses only common/, daemon/log.h and itself")], True
    return [], True


def main():
    failures = []
    checked = 0
    for top in ("common", "storage", "feeds", "daemon", "tests/integration"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in (".h", ".cpp"):
                continue
            rel = path.relative_to(ROOT)
            rules, may_read_clock = rules_for(rel)
            checked += 1
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = INCLUDE.match(line)
                if match:
                    quoted = match.group(1) == '"'
                    target = match.group(2)
                    for ours, system, reason in rules:
                        pattern = ours if quoted else system
                        if pattern is not None and pattern.search(target):
                            failures.append(f"{rel}:{number}: includes {target}: {reason}")
                elif not may_read_clock and CLOCK_READ.search(line.split("//")[0]):
                    failures.append(f"{rel}:{number}: reads the clock: feeds/ is given `now`")
    for failure in failures:
        print(failure)
    if checked < 50:  # a wrong root would otherwise pass with nothing checked
        print(f"only {checked} files found under {ROOT}: wrong source directory?")
        return 1
    print(f"{checked} files checked, {len(failures)} layering violations")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
