#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# numa-vm.sh [TEST...]: run dpdk-test commands on a machine of two NUMA sockets, a virtual one;
# by default the fastmem tests whose paths depend on the number of sockets.
# This host has one socket; the paths of a second one (the fallback to another socket, limits
# and trims per socket, objects freed on another socket than theirs, the per-socket statistics)
# run only where EAL finds two. QEMU emulates a machine of two nodes, each with one CPU and
# 3 GiB of memory, that boots Debian's kernel into an initramfs holding busybox, build/dpdk-test
# and the libraries it links, and runs each test there (lcores 0-1, one per node, 2 MiB
# hugepages on both nodes, IOVA as VA). Without KVM, QEMU emulates the CPU (TCG): about ten
# times slower than the host, so the timing-sensitive tests retry as on a busy machine.
# Everything comes from Debian's packages by name: qemu-system-x86, busybox-static and the
# kernel linux-image-amd64 depends on (downloaded, not installed, and kept in
# ~/.cache/fastmem/numa-vm).
# The guest takes 6 GiB of the host's memory.
# Environment: FASTMEM_TEST_BIN (default build/dpdk-test), FASTMEM_VM_TIMEOUT (s, per test,
# default 480; the whole run stops after 1200 s), FASTMEM_CACHE (default ~/.cache/fastmem).
# Ends with "run-tests: N passed, M failed, 0 skipped", as run-tests.sh.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=${FASTMEM_TEST_BIN:-$REPO/build/dpdk-test}
TMO=${FASTMEM_VM_TIMEOUT:-480}
VM=$REPO/build/numa-vm
LOG=$VM/console.log
[ $# -gt 0 ] || set -- fastmem_autotest fastmem_memory_autotest fastmem_fault_autotest \
	fastmem_stress_autotest fastmem_telemetry_autotest fastmem_inval_autotest \
	fastmem_secondary_autotest fastmem_secondary_reclaim_autotest

"$REPO/scripts/deps.sh" qemu-system-x86 busybox-static || exit 1
[ -x "$BIN" ] || { echo "numa-vm: no test binary $BIN (make build)"; exit 1; }
mkdir -p "$VM"

# The kernel: the image package that linux-image-amd64 depends on, unpacked once into the
# cache that also keeps DPDK's source (scripts/fetch-dpdk.sh).
KDIR=${FASTMEM_CACHE:-${HOME:-/root}/.cache/fastmem}/numa-vm
# one fetch into the cache at a time (see fetch-dpdk.sh)
mkdir -p "$(dirname "$KDIR")"
exec 9>> "$(dirname "$KDIR")/lock"
flock 9
kernel=
for k in "$KDIR"/kernel/boot/vmlinuz-*; do
	[ -f "$k" ] && kernel=$k
done
# download_kernel DIR: the image package, in DIR (with empty or stale package lists: false).
download_kernel() {
	(
		set -e
		cd "$1"
		rm -f ./*.deb
		apt-get download -q linux-image-amd64 >&2
		image=$(dpkg-deb -f linux-image-amd64_*.deb Depends | sed 's/[ (].*//')
		apt-get download -q "$image" >&2
		rm linux-image-amd64_*.deb
	)
}
if [ -z "$kernel" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# as root, apt downloads as _apt, which must be able to write there
	chmod 777 "$tmp"
	if ! download_kernel "$tmp"; then
		apt-get update -q >&2
		download_kernel "$tmp" || { echo "numa-vm: cannot get Debian's kernel"; exit 1; }
	fi
	# only its /boot, moved into the cache when whole
	mkdir -p "$tmp/x/kernel"
	dpkg-deb --fsys-tarfile "$tmp"/linux-image-*.deb | tar -x -C "$tmp/x/kernel" ./boot ||
		{ echo "numa-vm: cannot unpack Debian's kernel"; exit 1; }
	rm -rf "$KDIR"
	mv "$tmp/x" "$KDIR"
	kernel=$(echo "$KDIR"/kernel/boot/vmlinuz-*)
fi
exec 9>&-

# The initramfs: busybox, the test binary and what it links, the init script and the tests.
root=$VM/root
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,mnt/huge,var/run}
cp /bin/busybox "$root/bin/"
for c in sh mount cat echo date timeout poweroff; do
	ln -s busybox "$root/bin/$c"
done
cp -L "$BIN" "$root/dpdk-test"
# the libraries ldd names, and libgcc_s, which glibc loads for pthread_cancel()
if ldd "$BIN" | grep -q 'not found'; then
	echo "numa-vm: $BIN needs libraries this host does not have"
	exit 1
fi
for lib in $(ldd "$BIN" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p') \
		$(/sbin/ldconfig -p | sed -n 's/.*libgcc_s\.so\.1 (libc6,x86-64) => //p'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
cp "$REPO/scripts/numa-vm-init" "$root/init"
echo "$@" > "$root/tests"
echo "$TMO" > "$root/timeout"
if ! (set -o pipefail; cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) \
		> "$VM/initrd.gz"; then
	echo "numa-vm: cannot write the initramfs"
	exit 1
fi

# KVM where this user may use it, else (and should KVM refuse) emulation
accel="-accel tcg,thread=multi"
[ -w /dev/kvm ] && accel="-accel kvm $accel"
echo "numa-vm: booting a 2-node virtual machine (QEMU, ${accel#-accel }) for: $*"
# the whole run's limit (the tests take about 8 minutes; a hang must not hold CI up)
timeout --foreground 1200 qemu-system-x86_64 -machine q35 -cpu max -smp 2 -m 6G -nic none \
	-object memory-backend-ram,id=m0,size=3G -object memory-backend-ram,id=m1,size=3G \
	-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 \
	$accel -kernel "$kernel" -initrd "$VM/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1" -nographic -no-reboot > "$LOG" 2>&1 < /dev/null
rc=$?
[ $rc = 0 ] || echo "numa-vm: QEMU exited with status $rc"
# the serial console ends lines with CR LF
tr -d '\r' < "$LOG" > "$LOG.txt"
pass=0
fail=0
for t in "$@"; do
	res=$(sed -n "s/^numa-vm: $t exit \([0-9]*\) .*/\1/p" "$LOG.txt")
	secs=$(sed -n "s/^numa-vm: $t exit [0-9]* (\([0-9]*\) s)$/\1/p" "$LOG.txt")
	if [ "$res" = 0 ]; then
		echo "=== $t [numa-vm]: PASS (${secs} s)"
		pass=$((pass + 1))
	else
		echo "=== $t [numa-vm]: FAIL (exit ${res:-none}, log ${LOG#"$REPO"/}.txt)"
		sed -n "/^numa-vm: === $t\$/,/^numa-vm: $t exit/p" "$LOG.txt" |
			"$REPO/scripts/log-tail.sh" 40
		fail=$((fail + 1))
	fi
done
if ! grep -q '^numa-vm: nodes node0 node1 $' "$LOG.txt"; then
	echo "numa-vm: the virtual machine did not show two nodes; the end of its console:"
	tail -n 40 "$LOG.txt"
	fail=$((fail + 1))
fi
echo "run-tests: $pass passed, $fail failed, 0 skipped"
[ $fail = 0 ]
