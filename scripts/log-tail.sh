#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# log-tail.sh N < LOG: the last N lines of a dpdk-test log without the lines of EAL, telemetry and
# the test application themselves (and the prompt), but with the failed assertions, which the
# test framework logs as EAL's.
sed -n '/^EAL: Test assert/p; /^\(EAL\|TELEMETRY\|APP\): /d; /^RTE>>$/d; p' | tail -n "$1"
