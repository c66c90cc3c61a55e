#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Overlay one part of the fastmem patch set onto a DPDK tree.

usage: overlay.py REPO TREE doc|lib|test|example

Copies the files the part adds (only when their content changed, so that incremental builds
stay incremental) and makes the one-line edits the part needs in DPDK's own list files. Every
edit is idempotent and works on both DPDK 22.11 and current DPDK's layouts.
"""

import filecmp
import glob
import os
import shutil
import sys

PARTS = {
    'doc': ['doc/guides/prog_guide/fastmem_lib.rst'],
    'lib': ['lib/fastmem/*'],
    'test': ['app/test/test_fastmem*.c', 'app/test/test_fastmem*.h'],
    'example': ['examples/fastmem/*', 'doc/guides/sample_app_ug/fastmem.rst'],
}


def copy_if_changed(src, dst):
    if os.path.exists(dst) and filecmp.cmp(src, dst, shallow=False):
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy2(src, dst)


def edit(tree, path, marker, new, after=True, first=False):
    """Insert line `new` after (or before) the first/last line containing `marker`."""
    full = os.path.join(tree, path)
    with open(full) as f:
        lines = f.read().split('\n')
    if new in lines:
        return
    idx = [i for i, l in enumerate(lines) if marker in l]
    if not idx:
        sys.exit('overlay.py: %s: no line with %r to anchor %r' % (path, marker, new))
    i = idx[0] if first else idx[-1]
    lines.insert(i + 1 if after else i, new)
    with open(full, 'w') as f:
        f.write('\n'.join(lines))


def part_doc(tree):
    edit(tree, 'doc/guides/prog_guide/index.rst', '    mempool_lib', '    fastmem_lib')
    # the release note links to the guide: it comes with it, so that every commit's docs build
    part_release_notes(tree)


MAINTAINERS = '''Fast memory allocator - EXPERIMENTAL
M: fastmem maintainers <fastmem@dpdk.org>
F: lib/fastmem/
F: doc/guides/prog_guide/fastmem_lib.rst
F: app/test/test_fastmem*
'''


# The series' author, a new contributor, known to devtools/check-git-log.sh by this line.
MAILMAP = 'fastmem maintainers <fastmem@dpdk.org>'

RELEASE_NOTE = '''* **Added fastmem, a small-object allocator library.**

  Added the ``fastmem`` library, a general-purpose allocator for objects
  of 1 byte to 1 MiB (and larger ones, one memzone each): NUMA aware,
  growing on demand from memzones carved into IOVA-contiguous 2 MiB slabs
  and giving them back on request, with lock-free per-thread caches on the
  hot path.
  See the :doc:`../prog_guide/fastmem_lib` guide.
'''


def mailmap_key(line):
    return line.replace(' ', '').lower()


def part_mailmap(tree):
    """Add the author's line to .mailmap, at its place in the alphabetical order."""
    path = os.path.join(tree, '.mailmap')
    with open(path) as f:
        lines = f.read().split('\n')
    if MAILMAP in lines:
        return
    key = mailmap_key(MAILMAP)
    i = next((i for i, l in enumerate(lines)
              if l and not l.startswith('#') and mailmap_key(l) > key), len(lines) - 1)
    lines.insert(i, MAILMAP)
    with open(path, 'w') as f:
        f.write('\n'.join(lines))


def part_release_notes(tree):
    """A "New Features" entry in the release notes of the tree's VERSION (22.11: release_22_11,
    main: the release in preparation), after the section's template comment if it has one."""
    with open(os.path.join(tree, 'VERSION')) as f:
        year, month = f.read().split('.')[:2]
    path = os.path.join(tree, 'doc/guides/rel_notes/release_%s_%s.rst' % (year, month))
    with open(path) as f:
        lines = f.read().split('\n')
    if RELEASE_NOTE.split('\n')[0] in lines:
        return
    try:
        i = lines.index('New Features') + 2
    except ValueError:
        sys.exit('overlay.py: %s: no "New Features" section' % path)
    while i < len(lines) and not lines[i]:
        i += 1
    if lines[i].startswith('.. '):
        # the template comment: it ends with an indented line of "="
        while i < len(lines) and not (lines[i].startswith(' ') and lines[i].strip('= ') == ''
                                      and '=' in lines[i]):
            i += 1
        i += 1
        lines[i:i] = ['', ''] + RELEASE_NOTE.rstrip('\n').split('\n')
    else:
        lines[i:i] = RELEASE_NOTE.split('\n')
    with open(path, 'w') as f:
        f.write('\n'.join(lines))


def part_lib(tree):
    edit(tree, 'lib/meson.build', "'mempool',", "        'fastmem',", first=True)
    # the API documentation comes with the headers it documents
    edit(tree, 'doc/api/doxy-api-index.md', '[mempool](@ref rte_mempool.h)',
         '  [fastmem](@ref rte_fastmem.h),')
    edit(tree, 'doc/api/doxy-api.conf.in', '@TOPDIR@/lib/mempool \\',
         '                          @TOPDIR@/lib/fastmem \\', after=False)
    part_mailmap(tree)
    path = os.path.join(tree, 'MAINTAINERS')
    with open(path) as f:
        text = f.read()
    if 'F: lib/fastmem/' not in text:
        anchor = '\nMemory pool\n'
        if anchor not in text:
            sys.exit('overlay.py: MAINTAINERS: no "Memory pool" section')
        text = text.replace(anchor, '\n' + MAINTAINERS + anchor, 1)
        with open(path, 'w') as f:
            f.write(text)


def part_test(tree):
    path = 'app/test/meson.build'
    with open(os.path.join(tree, path)) as f:
        text = f.read()
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(tree, 'app/test/test_fastmem*.c')))
    for name in names:
        if 'source_file_deps = {' in text:
            # current DPDK: a dictionary of test source -> libraries it needs
            edit(tree, path, "'test_fbarray.c'", "    '%s': ['fastmem', 'mempool', 'ring']," % name,
                 after=False)
        else:
            # DPDK 22.11: one list of test sources
            edit(tree, path, "'test_fbarray.c',", "        '%s'," % name, after=False)


def part_example(tree):
    edit(tree, 'examples/meson.build', "        'eventdev_pipeline',", "        'fastmem',")
    edit(tree, 'doc/guides/sample_app_ug/index.rst', '    timer', '    fastmem')
    edit(tree, 'MAINTAINERS', 'F: app/test/test_fastmem*', 'F: examples/fastmem/')
    edit(tree, 'MAINTAINERS', 'F: examples/fastmem/', 'F: doc/guides/sample_app_ug/fastmem.rst')


def main():
    repo, tree, part = sys.argv[1:4]
    for pattern in PARTS[part]:
        for src in sorted(glob.glob(os.path.join(repo, pattern))):
            copy_if_changed(src, os.path.join(tree, os.path.relpath(src, repo)))
    globals()['part_' + part](tree)


if __name__ == '__main__':
    main()
