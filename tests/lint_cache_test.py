#!/usr/bin/env python3
"""The keys of .ci/lint_cache.py follow every input of a unit and nothing else.

In a throw-away tree with its own compile_commands.json: two checkouts of the same bytes get
the same keys; editing a header re-keys exactly the units that include it (directly or not);
editing a generated header under the build directory re-keys its includer; a header borrows a
command; `record` then `stale` lists only what changed since. Exits 1 on the first failure.

  lint_cache_test.py SOURCE_DIR
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile


def load(source_dir):
    spec = importlib.util.spec_from_file_location(
        'lint_cache', os.path.join(source_dir, '.ci', 'lint_cache.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FILES = {
    '.clang-tidy': 'Checks: -*\n',
    'lib/a.h': '#pragma once\n#include "lib/b.h"\n',
    'lib/b.h': '#pragma once\nint b();\n',
    'lib/c.h': '#pragma once\n#include "gen/schema.h"\n',
    'lib/a.cpp': '#include "lib/a.h"\n',
    'lib/b.cpp': '#include "lib/b.h"\n',
    'lib/c.cpp': '#include "lib/c.h"\n',
    'lib/d.cpp': '#include <vector>\n',
}
UNITS = ['lib/a.cpp', 'lib/b.cpp', 'lib/c.cpp', 'lib/d.cpp', 'lib/a.h', 'lib/b.h', 'lib/c.h']


def make_tree(root):
    for name, text in FILES.items():
        write(os.path.join(root, name), text)
    build = os.path.join(root, 'build', 'lint')
    write(os.path.join(build, 'generated', 'gen', 'schema.h'), '// v1\n')
    database = [{
        'directory': build,
        'file': os.path.join(root, unit),
        'command': f'c++ -I{root} -I{build}/generated -DROOT="{root}" -c {root}/{unit}',
    } for unit in UNITS if unit.endswith('.cpp')]
    write(os.path.join(build, 'compile_commands.json'), json.dumps(database))
    return build


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def changed(before, after):
    return sorted(unit for unit in before if before[unit] != after[unit])


def main():
    source_dir = sys.argv[1]
    cache = load(source_dir)
    failures = []

    def check(what, got, expected):
        if got != expected:
            failures.append(f'{what}: got {got}, expected {expected}')

    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        build_one, build_two = make_tree(one), make_tree(two)
        keys_one = cache.keys(one, build_one, UNITS)
        check('same bytes in two checkouts', changed(keys_one, cache.keys(two, build_two, UNITS)),
              [])
        write(os.path.join(one, 'lib/b.h'), '#pragma once\nint b(int);\n')
        edited = cache.keys(one, build_one, UNITS)
        check('b.h edited', changed(keys_one, edited),
              ['lib/a.cpp', 'lib/a.h', 'lib/b.cpp', 'lib/b.h'])
        write(os.path.join(build_one, 'generated', 'gen', 'schema.h'), '// v2\n')
        generated = cache.keys(one, build_one, UNITS)
        check('generated header edited', changed(edited, generated), ['lib/c.cpp', 'lib/c.h'])
        write(os.path.join(one, '.clang-tidy'), 'Checks: -*,bugprone-*\n')
        check('.clang-tidy edited', len(changed(generated, cache.keys(one, build_one, UNITS))),
              len(UNITS))

        # record what is clean in `two`, then only an edited unit is stale again.
        tool = os.path.join(source_dir, '.ci', 'lint_cache.py')
        os.makedirs(os.path.join(two, '.ci'), exist_ok=True)

        def run(mode, units):
            return subprocess.run([sys.executable, tool, mode, two, build_two],
                                  input='\n'.join(units) + '\n', capture_output=True,
                                  text=True, check=True).stdout.split()

        check('stale before any record', run('stale', UNITS), sorted(UNITS))
        run('record', UNITS)
        check('stale after record', run('stale', UNITS), [])
        write(os.path.join(two, 'lib/d.cpp'), '#include <vector>\nint d;\n')
        check('stale after editing d.cpp', run('stale', UNITS), ['lib/d.cpp'])

    for failure in failures:
        print('FAIL', failure)
    if failures:
        sys.exit(1)
    print('lint_cache: PASS')


if __name__ == '__main__':
    main()
