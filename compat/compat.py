#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Adapt a DPDK tree that carries the fastmem patch set to an older DPDK (22.11).

usage: compat.py TREE       apply to TREE (fresh from the patch set) if it needs it;
                            prints "compat" or "native"

The patch set is written for current DPDK. On an older tree this backports, into the build
copy only, what the patch set uses and the tree lacks, into the tree's own headers, so that
the library, the tests and an application compiling against the installed headers all see
it (nothing is force-included):
- backport/PATH: definitions inserted before the closing #endif of the tree's header PATH
  (rte_clz64 and co. in rte_bitops.h, __rte_malloc/__rte_dealloc/__rte_constant in rte_common.h,
  RTE_LOG_LINE in rte_log.h, rte_stdatomic.h included by rte_atomic.h, the _uint telemetry names, REGISTER_*_TEST in app/test/test.h);
  skipped where the header already has them;
- add/PATH: headers the tree has not (rte_stdatomic.h, installed with EAL's headers, and
  eal_export.h, internal);
- current DPDK generates symbol maps from RTE_EXPORT_*_SYMBOL and finds tests by scanning for
  REGISTER_*_TEST; 22.11 needs a version.map per library and lists tests in
  app/test/meson.build: both are written from the sources.
"""

import glob
import os
import re
import sys


COMPAT = os.path.dirname(os.path.abspath(__file__))

# header in the tree -> an identifier whose presence means the backport is not needed
BACKPORTS = {
    'lib/eal/include/rte_bitops.h': 'rte_clz64',
    'lib/eal/include/generic/rte_atomic.h': 'rte_stdatomic.h',
    'lib/eal/include/rte_common.h': '__rte_constant',
    'lib/eal/include/rte_log.h': 'RTE_LOG_LINE',
    'lib/telemetry/rte_telemetry.h': 'rte_tel_data_add_dict_uint',
    'app/test/test.h': 'REGISTER_FAST_TEST',
}
# header added -> the meson list that installs it ('' for an internal header)
ADDED = {
    'lib/eal/include/rte_stdatomic.h': 'lib/eal/include/meson.build',
    'lib/eal/include/eal_export.h': '',
}


def needs_compat(tree):
    return not glob.glob(os.path.join(tree, 'lib/eal/**/eal_export.h'), recursive=True)


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return
    with open(path, 'w') as f:
        f.write(text)


def backport(tree):
    for path, key in BACKPORTS.items():
        full = os.path.join(tree, path)
        if not os.path.exists(full):
            sys.exit('compat.py: the tree has no %s: the compat layer knows DPDK 22.11 and '
                     'current DPDK (25.07 on), not the releases between' % path)
        with open(full) as f:
            text = f.read()
        if re.search(r'\b%s\b' % re.escape(key), text):
            continue
        with open(os.path.join(COMPAT, 'backport', path)) as f:
            add = f.read()
        # the fragment's own SPDX line: the header has its own
        add = re.sub(r'\A/\* SPDX-License-Identifier: [^*]*\*/\n', '', add)
        # before the include guard's closing #endif, the last line of the header
        end = text.rstrip().rfind('\n#endif')
        if end < 0:
            sys.exit('compat.py: %s: no closing #endif' % path)
        write_if_changed(full, text[:end + 1] + add + text[end + 1:])
    for path, meson in ADDED.items():
        full = os.path.join(tree, path)
        if glob.glob(os.path.join(tree, 'lib/*/**', os.path.basename(path)), recursive=True):
            continue
        with open(os.path.join(COMPAT, 'add', path)) as f:
            write_if_changed(full, f.read())
        if meson:
            # installed and checked like the tree's other headers: listed before its neighbour
            mpath = os.path.join(tree, meson)
            with open(mpath) as f:
                text = f.read()
            anchor = "        'rte_string_fns.h',\n"
            if anchor not in text:
                sys.exit('compat.py: %s: no %r to list %s before' % (meson, anchor, path))
            text = text.replace(anchor, "        '%s',\n" % os.path.basename(path) + anchor, 1)
            write_if_changed(mpath, text)


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
    backport(tree)
    version_map(tree)
    test_lists(tree)
    print('compat')


if __name__ == '__main__':
    main()
