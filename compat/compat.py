#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Adapt a DPDK tree that carries the fastmem patch set to an older DPDK (22.11).

usage: compat.py TREE       apply to TREE (fresh from the patch set) if it needs it;
                            prints "compat" or "native"

Current DPDK generates symbol maps from RTE_EXPORT_*_SYMBOL and finds tests by scanning for
REGISTER_*_TEST. 22.11 needs a version.map per library and lists tests in app/test/meson.build.
This writes both from the sources, so the patch set itself stays written for current DPDK.
The C side is fastmem_compat.h, force-included by the build glue in the same case.
"""

import glob
import os
import re
import sys


def needs_compat(tree):
    return not glob.glob(os.path.join(tree, 'lib/eal/**/eal_export.h'), recursive=True)


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return
    with open(path, 'w') as f:
        f.write(text)


def version_map(tree):
    names = []
    for src in sorted(glob.glob(os.path.join(tree, 'lib/fastmem/*.c'))):
        with open(src) as f:
            names += re.findall(r'^RTE_EXPORT_EXPERIMENTAL_SYMBOL\((\w+),', f.read(), re.M)
    text = 'EXPERIMENTAL {\n\tglobal:\n\n' + ''.join('\t%s;\n' % n for n in sorted(names))
    text += '\n\tlocal: *;\n};\n'
    write_if_changed(os.path.join(tree, 'lib/fastmem/version.map'), text)


def test_lists(tree):
    fast, perf = [], []
    for src in sorted(glob.glob(os.path.join(tree, 'app/test/test_fastmem*.c'))):
        with open(src) as f:
            text = f.read()
        for name, nohuge, asan in re.findall(
                r'^REGISTER_FAST_TEST\((\w+),\s*(\w+),\s*(\w+),', text, re.M):
            fast.append("['%s', %s, %s]" % (name, str(nohuge == 'NOHUGE_OK').lower(),
                                             str(asan == 'ASAN_OK').lower()))
        perf += ["'%s'" % n for n in
                 re.findall(r'^REGISTER_(?:PERF|STRESS)_TEST\((\w+),', text, re.M)]
    path = os.path.join(tree, 'app/test/meson.build')
    with open(path) as f:
        text = f.read()
    add = '# fastmem tests (added by the compat layer)\n'
    if fast:
        add += 'fast_tests += [%s]\n' % ', '.join(fast)
    if perf:
        add += 'perf_test_names += [%s]\n' % ', '.join(perf)
    # The lists must grow before app/test/meson.build turns them into meson tests.
    anchor = "\nif not is_windows\n    fast_tests += [['graph_autotest'"
    if anchor not in text:
        sys.exit('compat.py: app/test/meson.build: anchor for the test lists not found')
    text = text.replace(anchor, '\n' + add + anchor[1:], 1)
    write_if_changed(path, text)


def main():
    tree = sys.argv[1]
    if not needs_compat(tree):
        print('native')
        return
    version_map(tree)
    test_lists(tree)
    print('compat')


if __name__ == '__main__':
    main()
