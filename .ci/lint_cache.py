#!/usr/bin/env python3
"""Which units clang-tidy must look at again (.ci/lint).

A unit is a product .cpp, or a header parsed alone (which also proves that the header
includes what it uses). clang-tidy over every unit costs about a quarter of CI's CPU (each
parses Boost.Asio/Beast and clang-tidy 14 matches its checks over all of it), yet most units
are unchanged since they were last found clean. A unit's verdict is a function of its inputs,
so the verdict is cached under a key made of all of them: clang-tidy's version (not the host
CPU it prints), .clang-tidy,
the unit's compile command (a header borrows its nearest .cpp's, as clang-tidy does; the
checkout's path taken out, so every clone computes the same key) and the bytes of the unit and
of every project header it includes, transitively (quoted includes resolved as the compiler
does: beside the includer, then along the command's -I directories, generated headers
included). System headers come from the distribution's fixed packages and are not hashed.

.ci/lint-clean (committed) lists "<key> <path>" for units found clean. A unit whose key is
listed is not linted again; any change to anything it includes makes a new key, so it is. A
key can only be written by a clean clang-tidy run, so the file can make CI faster, never laxer.

  lint_cache.py stale  ROOT BUILD < UNITS  print those of the units (paths from ROOT) to lint
  lint_cache.py record ROOT BUILD < UNITS  add the keys of the listed (clean) units to
                                           .ci/lint-clean

`stale` also keeps the keys it computed in BUILD/lint-keys.json and `record` writes those: the
keys of the inputs as they were before clang-tidy read them, so a file edited during the run is
linted again next time instead of being recorded clean unseen.
"""

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys

INCLUDE = re.compile(rb'^\s*#\s*include\s*"([^"]+)"', re.MULTILINE)


def tool_version():
    """clang-tidy's --version without its "Host CPU:" line: the same clang-tidy gives the same
    verdicts on any CPU, and with the line every unit was stale on a machine of another kind."""
    out = subprocess.run(['clang-tidy-14', '--version'], capture_output=True, check=True)
    return b''.join(line for line in out.stdout.splitlines(keepends=True)
                    if not line.strip().startswith(b'Host CPU:'))


def project_dirs(command, root, build):
    """The -I directories of a compile command that belong to the checkout or its build."""
    dirs = []
    args = shlex.split(command)
    for i, arg in enumerate(args):
        path = arg[2:] if arg.startswith('-I') and len(arg) > 2 else None
        if arg == '-I' and i + 1 < len(args):
            path = args[i + 1]
        if path and (path.startswith(root) or path.startswith(build)):
            dirs.append(path)
    return dirs


def included_files(source, dirs, cache):
    """source and every project file it includes, transitively, as absolute paths."""
    seen = set()
    stack = [source]
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        if path not in cache:
            with open(path, 'rb') as f:
                cache[path] = f.read()
        for name in INCLUDE.findall(cache[path]):
            name = name.decode()
            for base in [os.path.dirname(path)] + dirs:
                candidate = os.path.normpath(os.path.join(base, name))
                if os.path.isfile(candidate):
                    stack.append(candidate)
                    break
    return seen


def commands(root, build):
    """{path from root: compile command} of the compile database's translation units."""
    with open(os.path.join(build, 'compile_commands.json')) as f:
        database = json.load(f)
    result = {}
    for entry in database:
        source = os.path.normpath(os.path.join(entry['directory'], entry['file']))
        command = entry.get('command') or shlex.join(entry['arguments'])
        result[os.path.relpath(source, root)] = command
    return result


def header_command(header, known):
    """The command clang-tidy borrows for a header, which has none of its own: that of the
    translation unit nearest to it in the tree (same stem first, then same folder, then the
    longest common path), with the unit's path replaced by the header's."""
    stem = os.path.splitext(header)[0]

    def closeness(unit):
        same_stem = os.path.splitext(unit)[0] == stem
        same_dir = os.path.dirname(unit) == os.path.dirname(header)
        common = len(os.path.commonpath([unit, header])) if '/' in header else 0
        return (same_stem, same_dir, common, unit)

    unit = max(known, key=closeness)
    return known[unit].replace(unit, header)


def keys(root, build, units):
    """{unit: key} for the listed units (paths from root): translation units and headers."""
    known = commands(root, build)
    with open(os.path.join(root, '.clang-tidy'), 'rb') as f:
        config = f.read()
    version = tool_version()
    contents = {}
    result = {}
    for unit in units:
        command = known[unit] if unit in known else header_command(unit, known)
        digest = hashlib.sha256()
        digest.update(version + b'\0' + config + b'\0')
        digest.update(command.replace(build, '@BUILD@').replace(root, '@ROOT@').encode())
        source = os.path.join(root, unit)
        for path in sorted(included_files(source, project_dirs(command, root, build), contents)):
            name = path.replace(build, '@BUILD@').replace(root, '@ROOT@')
            digest.update(b'\0' + name.encode() + b'\0' + contents[path])
        result[unit] = digest.hexdigest()
    return result


def read_clean(path):
    clean = set()
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    clean.add((parts[0], parts[1]))
    return clean


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ('stale', 'record'):
        sys.exit(__doc__)
    mode, root, build = sys.argv[1], os.path.realpath(sys.argv[2]), os.path.realpath(sys.argv[3])
    cache_file = os.path.join(root, '.ci', 'lint-clean')
    snapshot = os.path.join(build, 'lint-keys.json')
    listed = {line.strip() for line in sys.stdin if line.strip()}
    if mode == 'stale':
        current = keys(root, build, sorted(listed))
        with open(snapshot, 'w') as f:
            json.dump(current, f)
    else:
        with open(snapshot) as f:
            current = json.load(f)
    clean = read_clean(cache_file)
    unknown = listed - current.keys()
    if unknown:
        sys.exit('lint_cache: not keyed by the last `stale`: ' + ' '.join(sorted(unknown)))
    if mode == 'stale':
        for tu in sorted(listed):
            if (current[tu], tu) not in clean:
                print(tu)
        return
    # Keep only entries that still describe the tree (old keys would only grow the file).
    kept = {(key, tu) for key, tu in clean if current.get(tu) == key}
    kept |= {(current[tu], tu) for tu in listed}
    with open(cache_file + '.tmp', 'w') as f:
        for key, tu in sorted(kept, key=lambda entry: entry[1]):
            f.write(f'{key} {tu}\n')
    os.replace(cache_file + '.tmp', cache_file)


if __name__ == '__main__':
    main()
