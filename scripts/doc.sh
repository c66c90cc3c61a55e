#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the fastmem programming guide and the sample application's guide with sphinx, warnings
# as errors, into build/doc and build/doc/sample_app.
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
S=$REPO/build/doc-src
rm -rf "$S" "$REPO/build/doc" "$REPO/build/doc-src-example"
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

# The sample application's guide, laid out as in DPDK (it includes code from the example);
# the DPDK page it links to is a stub.
E=$REPO/build/doc-src-example
mkdir -p "$E/doc/guides/sample_app_ug" "$E/examples"
cp -r "$REPO/examples/fastmem" "$E/examples/"
cp "$REPO/doc/guides/sample_app_ug/fastmem.rst" "$E/doc/guides/sample_app_ug/index.rst"
cp "$S/conf.py" "$E/doc/guides/sample_app_ug/"
printf ':orphan:\n\nCompiling the Sample Applications\n=================================\n' \
	> "$E/doc/guides/sample_app_ug/compiling.rst"
/usr/bin/python3 -m sphinx -q -W --keep-going -b html "$E/doc/guides/sample_app_ug" \
	"$REPO/build/doc/sample_app"
echo "doc: build/doc/sample_app/index.html built without warnings"
