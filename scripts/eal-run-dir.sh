#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Print EAL's runtime directory (eal_create_runtime_dir()), where each DPDK process leaves a
# directory named after its file prefix.
if [ -n "${RUNTIME_DIRECTORY:-}" ]; then
	echo "$RUNTIME_DIRECTORY/dpdk"
elif [ "$(id -u)" = 0 ]; then
	echo /var/run/dpdk
else
	echo "${XDG_RUNTIME_DIR:-/tmp}/dpdk"
fi
