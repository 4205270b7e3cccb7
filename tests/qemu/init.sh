#!/bin/busybox sh
# /init of the test initramfs: runs `sandlock check --json` and the ABI-2 cases on the
# booted kernel, prints marker lines on the serial console and powers the VM off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
ip link set lo up

echo "SANDLOCK-QEMU|BEGIN|$(uname -r)"
/qemu/sandlock check
echo "SANDLOCK-QEMU|CHECK-JSON-BEGIN"
/qemu/sandlock check --json
echo "SANDLOCK-QEMU|CHECK-JSON-END|$?"

export SANDLOCK=/qemu/sandlock PROBE=/qemu/probe ROOT=/tmp/cases ABI_FLAGS=
# shellcheck source=cases.sh
. /qemu/cases.sh
run_cases
echo "SANDLOCK-QEMU|END"
poweroff -f
