# The ABI-2 enforcement cases, run twice with the same entries: inside the Debian 6.1 VM
# (real Landlock ABI 2) and on the host under `sandlock run --abi 2` (the clamp).
# POSIX sh: busybox ash runs it in the VM, bash on the host. Source it, then call run_cases.
#
# Inputs (environment):
#   SANDLOCK   the sandlock binary
#   PROBE      the static probe (tests/qemu/probe.c); copied to $ROOT/bin
#   ROOT       an empty writable scratch directory
#   ABI_FLAGS  "" in the VM, "--abi 2" on the host
#
# Output: one marker line per case, parsed by tests/qemu/run.sh:
#   SANDLOCK-QEMU|CASE|<id>|<expected>|<answer>|<description>
#   SANDLOCK-QEMU|SKIP|<id>|<reason>|<description>
# An answer is the probe's line ("ok", "errno 13") when the command ran, else "exit N".

DEGRADABLE='protections: {fs-truncate: degradable, net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: degradable, abstract-unix-socket-scope: degradable}'
NEWER_THAN_ABI2='fs-truncate net-tcp fs-ioctl-dev signal-scope abstract-unix-socket-scope'
MARK='SANDLOCK-QEMU'

# profile NAME BODY: writes $ROOT/profiles/NAME.yaml granting exec on the probe, plus BODY.
profile() {
  mkdir -p "$ROOT/profiles"
  printf 'version: 1\nname: %s\nfilesystem:\n  exec: ["%s/bin"]\n%s\n' "$1" "$ROOT" "$2" >"$ROOT/profiles/$1.yaml"
}

# sandbox PROFILE CMD...: runs CMD under PROFILE; stdout, stderr in $ROOT/out, $ROOT/err.
sandbox() {
  p=$1
  shift
  # shellcheck disable=SC2086  # ABI_FLAGS is empty or two words
  "$SANDLOCK" run --profile "$ROOT/profiles/$p.yaml" $ABI_FLAGS --timeout 20 -- "$@" >"$ROOT/out" 2>"$ROOT/err"
}

report() {  # report ID EXPECTED ANSWER DESCRIPTION
  echo "$MARK|CASE|$1|$2|$3|$4"
  [ "$2" = "$3" ] || sed 's/^/  stderr: /' "$ROOT/err"
}

# probe_case ID EXPECTED DESCRIPTION PROFILE OP ARGS...: the probe's answer under PROFILE.
probe_case() {
  id=$1 expected=$2 what=$3 p=$4
  shift 4
  if sandbox "$p" "$ROOT/bin/probe" "$@"; then answer=$(cat "$ROOT/out"); else answer="exit $?"; fi
  report "$id" "$expected" "$answer" "$what"
}

# supervised_case: a probe_case whose profile needs the network supervisor (issue 4); a
# sandlock built without it refuses such profiles (exit 125), which is reported as a SKIP.
supervised_case() {
  id=$1 expected=$2 what=$3 p=$4
  shift 4
  sandbox "$p" "$ROOT/bin/probe" "$@"
  rc=$?
  if [ $rc = 0 ]; then
    report "$id" "$expected" "$(cat "$ROOT/out")" "$what"
  elif [ $rc = 125 ] && grep -q 'supervisor.*not built in' "$ROOT/err"; then
    skip_case "$id" "this sandlock is built without the network supervisor (issue 4)" "$what"
  else
    report "$id" "$expected" "exit $rc" "$what"
  fi
}

# named_case ID EXPECTED DESCRIPTION PROFILE PHRASE: the exit status, whether the probe ran
# (it printed something), then which protections newer than ABI 2 stderr names in
# "protection NAME PHRASE".
named_case() {
  id=$1 expected=$2 what=$3 p=$4 phrase=$5
  sandbox "$p" "$ROOT/bin/probe" read "$ROOT/a/f"
  answer="exit $?"
  [ -s "$ROOT/out" ] && answer="$answer, ran"
  for name in $NEWER_THAN_ABI2; do
    grep -q "protection $name $phrase" "$ROOT/err" && answer="$answer $name"
  done
  report "$id" "$expected" "$answer" "$what"
}

skip_case() {  # skip_case ID REASON DESCRIPTION
  echo "$MARK|SKIP|$1|$2|$3"
}

# Processes and files outside the sandbox that the cases aim at.
setup() {
  mkdir -p "$ROOT/bin" "$ROOT/a" "$ROOT/b"
  cp "$PROBE" "$ROOT/bin/probe"
  echo in-a >"$ROOT/a/f"
  echo in-b >"$ROOT/b/f"
  echo in-a >"$ROOT/a/g"
  # Two live listeners on ephemeral ports: one the policy allows, one outside it.
  read -r LISTENER_PID LISTENER_PORT <<EOF
$("$ROOT/bin/probe" listen 0)
EOF
  read -r OTHER_PID OTHER_PORT <<EOF
$("$ROOT/bin/probe" listen 0)
EOF
  SLEEPER_PID=$("$ROOT/bin/probe" sleeper)
  ABSTRACT_NAME="sandlock-qemu-outside-$$"
  ABSTRACT_PID=$("$ROOT/bin/probe" abstract-listen "$ABSTRACT_NAME")

  profile strict "  read: [\"$ROOT/a\"]"
  profile degradable "  read: [\"$ROOT/a\"]
$DEGRADABLE"
  profile write-ab "  write: [\"$ROOT/a\", \"$ROOT/b\"]
$DEGRADABLE"
  # Every right of `write` except refer: Landlock refuses reparenting with EXDEV.
  profile no-refer "  rules:
    - {path: \"$ROOT/a\", access: [read_file, read_dir, write_file, make_reg, remove_file]}
    - {path: \"$ROOT/b\", access: [read_file, read_dir, write_file, make_reg, remove_file]}
$DEGRADABLE"
  profile no-truncate "  rules:
    - {path: \"$ROOT/a\", access: [read_file, write_file]}
    - {path: /dev/null, access: [read_file]}
$DEGRADABLE"
  profile no-network "  read: [\"$ROOT/a\"]
network: {allow: []}
$DEGRADABLE"
  profile tcp-port "  read: [\"$ROOT/a\"]
network: {allow: [\"tcp://127.0.0.1:$LISTENER_PORT\"]}
$DEGRADABLE"
  profile namespaces "  read: [\"$ROOT/a\"]
syscalls: {allow: [\"@namespaces\"]}
$DEGRADABLE"
}

teardown() {
  kill "$LISTENER_PID" "$OTHER_PID" "$SLEEPER_PID" "$ABSTRACT_PID" 2>/dev/null
}

# One entry per case.
run_cases() {
  setup
  named_case strict-refused "exit 125 $NEWER_THAN_ABI2" "default (all strict) profile refuses to run" strict "is strict"
  named_case degradable-runs "exit 0, ran $NEWER_THAN_ABI2" "all-degradable profile runs, naming each degraded protection" degradable "is degraded"
  probe_case fs-read-inside "ok" "read a file inside the read grant" degradable read "$ROOT/a/f"
  probe_case fs-read-outside "errno 13" "read a file outside the grants" degradable read "$ROOT/b/f"
  probe_case fs-list-outside "errno 13" "list a directory outside the grants" degradable list "$ROOT/b"
  probe_case fs-write-readonly "errno 13" "write a file granted read-only" degradable write "$ROOT/a/f"
  probe_case fs-write-granted "ok" "write a file granted write" write-ab write "$ROOT/a/f"
  probe_case refer-rename-denied "errno 18" "cross-directory rename without refer (fs-refer)" no-refer rename "$ROOT/a/f" "$ROOT/b/moved"
  probe_case refer-link-denied "errno 18" "cross-directory link without refer (fs-refer)" no-refer link "$ROOT/a/g" "$ROOT/b/linked"
  probe_case refer-rename-allowed "ok" "cross-directory rename with write on both" write-ab rename "$ROOT/a/f" "$ROOT/b/moved"
  probe_case refer-link-allowed "ok" "cross-directory link with write on both" write-ab link "$ROOT/a/g" "$ROOT/b/linked"
  probe_case truncate-degraded "ok" "truncate without the truncate right (fs-truncate degraded)" no-truncate truncate-path "$ROOT/a/g"
  probe_case ioctl-degraded "errno 25" "TIOCGWINSZ on /dev/null without ioctl_dev (fs-ioctl-dev degraded)" no-truncate ioctl-tty /dev/null
  probe_case signal-degraded "ok" "signal a process outside the sandbox (signal-scope degraded)" degradable kill "$SLEEPER_PID" 0
  probe_case abstract-degraded "ok" "connect to an abstract socket outside (scope degraded)" degradable abstract-connect "$ABSTRACT_NAME"
  probe_case seccomp-unshare-denied "errno 1" "unshare(CLONE_NEWUSER) under the default syscall rules" degradable unshare-user
  probe_case seccomp-unshare-allowed "ok" "unshare(CLONE_NEWUSER) with @namespaces re-allowed" namespaces unshare-user
  probe_case net-none "errno 13" "TCP connect to a live listener with no network rules" no-network connect 127.0.0.1 "$LISTENER_PORT"
  supervised_case net-allow-inside "ok" "network.allow: TCP connect to a live listener on the allowed port" tcp-port connect 127.0.0.1 "$LISTENER_PORT"
  supervised_case net-thread-inside "ok" "network.allow: the allowed connect, made from a second thread" tcp-port thread-connect 127.0.0.1 "$LISTENER_PORT"
  supervised_case net-thread-outside "errno 13" "network.allow: the refused connect, made from a second thread" tcp-port thread-connect 127.0.0.1 "$OTHER_PORT"
  supervised_case net-allow-outside "errno 13" "network.allow: TCP connect to a live listener on a port outside the policy" tcp-port connect 127.0.0.1 "$OTHER_PORT"
  teardown
}
