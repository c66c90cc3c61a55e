#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the fastmem programming guide with sphinx, warnings as errors, into build/doc.
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
S=$REPO/build/doc-src
rm -rf "$S" "$REPO/build/doc"
mkdir -p "$S"
cp "$REPO/doc/guides/prog_guide/fastmem_lib.rst" "$S/index.rst"
cat > "$S/conf.py" <<'PY'
project = 'fastmem'
master_doc = 'index'
numfig = True
html_theme = 'sphinx_rtd_theme'
PY
/usr/bin/python3 -m sphinx -q -W --keep-going -b html "$S" "$REPO/build/doc"
echo "doc: build/doc/index.html built without warnings"
