#!/usr/bin/env bash
# Boots Debian 12's own 6.1 kernel (Landlock ABI 2) under qemu (software emulation) with
# an initramfs of busybox, sandlock and a static probe; runs `sandlock check --json` and
# tests/qemu/cases.sh inside it, runs the same cases on this host under `--abi 2`, and
# compares both with the expected answers (tests/qemu/compare.py).
#
#   run.sh SANDLOCK_BINARY SOURCE_DIR [--markdown FILE]
#
# Exit 0 when every case passes, 1 when any fails, 77 (skip) when qemu, busybox-static or
# a 6.1 kernel image is missing. SANDLOCK_QEMU_KERNEL overrides the kernel image,
# SANDLOCK_QEMU_TIMEOUT the VM's hard timeout (seconds).
set -euo pipefail

sandlock=$(realpath "$1")
src=$(realpath "$2")
shift 2
here="$src/tests/qemu"
boot_timeout=${SANDLOCK_QEMU_TIMEOUT:-240}

skip() {
  echo "SKIP: $*" >&2
  exit 77
}

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
busybox=/bin/busybox
# ldd fails on a static binary: that is the one we want.
if [[ ! -x "$busybox" ]] || ldd "$busybox" >/dev/null 2>&1; then
  skip "$busybox is missing or not static (apt-get install busybox-static)"
fi
command -v python3 >/dev/null || skip "python3 is not installed"
kernel=${SANDLOCK_QEMU_KERNEL:-$(find /boot -maxdepth 1 -name 'vmlinuz-6.1.*' | sort -V | tail -n1)}
[[ -r "$kernel" ]] || skip "no Debian 6.1 kernel in /boot (apt-get install linux-image-6.1.0-<N>-cloud-amd64-unsigned)"

work=$(mktemp -d /tmp/sandlock-qemu.XXXXXX)
# SANDLOCK_QEMU_KEEP=1 keeps the logs and the initramfs for a look afterwards.
if [[ -n "${SANDLOCK_QEMU_KEEP:-}" ]]; then
  echo "work directory: $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi

# The probe, static: the initramfs has no libc, and the same binary runs on both sides.
cc -static -O2 -Wall -Wextra -Werror -o "$work/probe" "$here/probe.c"

# The initramfs: busybox, sandlock (the launcher and the engine beside it) with their shared
# libraries and loader, probe, cases.
engine="$(dirname "$sandlock")/sandlock-engine"
root="$work/initramfs"
mkdir -p "$root"/{bin,proc,sys,dev,tmp,qemu}
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$here/init.sh" "$root/init"
strip -o "$root/qemu/sandlock" "$sandlock" 2>/dev/null || cp "$sandlock" "$root/qemu/sandlock"
strip -o "$root/qemu/sandlock-engine" "$engine" 2>/dev/null || cp "$engine" "$root/qemu/sandlock-engine"
cp "$work/probe" "$root/qemu/probe"
cp "$here/cases.sh" "$root/qemu/cases.sh"
for lib in $( (ldd "$sandlock" || true; ldd "$engine") | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initramfs.gz"

# Boot. The VM powers itself off after the cases; the timeout is the hard stop.
vm_log="$work/vm.log"
echo "booting $kernel (software emulation, timeout ${boot_timeout}s)" >&2
start=$SECONDS
timeout --kill-after=10 "$boot_timeout" qemu-system-x86_64 \
  -accel tcg -cpu max -m 512M -smp 1 -nodefaults -no-reboot -display none \
  -serial "file:$vm_log" -kernel "$kernel" -initrd "$work/initramfs.gz" \
  -append "console=ttyS0 rdinit=/init panic=-1 quiet loglevel=3" || echo "qemu exited with status $?" >&2
echo "VM finished in $((SECONDS - start))s" >&2

# The clamp: the same cases on this host.
host_log="$work/host.log"
mkdir -p "$work/host"
(
  set +e  # the cases expect failing commands
  export SANDLOCK=$sandlock PROBE=$work/probe ROOT=$work/host ABI_FLAGS="--abi 2"
  # shellcheck source=cases.sh
  . "$here/cases.sh"
  run_cases
) >"$host_log" 2>&1

tr -d '\r' <"$vm_log" >"$vm_log.txt"
if python3 "$here/compare.py" "$vm_log.txt" "$host_log" "$@"; then exit 0; fi
# On failure, everything the cases printed besides their markers (stderr of failed cases).
grep -v '^SANDLOCK-QEMU|' "$vm_log.txt" | sed 's/^/vm: /' >&2 || true
grep -v '^SANDLOCK-QEMU|' "$host_log" | sed 's/^/host: /' >&2 || true
exit 1
