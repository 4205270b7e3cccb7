#!/usr/bin/env bash
# `sandlock lint --format sarif` under a third-party validator: @microsoft/sarif-multitool
# (npm) must accept the log as SARIF 2.1.0, for a profile that triggers several rules.
# Args: $1 the sandlock binary, $2 the source dir. Exit 77 = skipped (said why on stderr).
set -euo pipefail
sandlock=$(realpath "$1")
src=$(realpath "$2")
skip() { echo "SKIP lint_sarif: $*" >&2; echo "!!! tool.lint_sarif skipped: $* !!!" >&2; exit 77; }

prefix="$src/.cache/npm"
tool="$prefix/node_modules/.bin/sarif-multitool"
if [[ ! -x $tool ]]; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed (needed for @microsoft/sarif-multitool)"
  npm install --silent --no-audit --no-fund --prefix "$prefix" @microsoft/sarif-multitool >/dev/null 2>&1 ||
    skip "npm install @microsoft/sarif-multitool failed (offline?)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/risky.yaml" <<'YAML'
version: 1
filesystem:
  write: [/etc, /home/u/.ssh]
  read: [/etc/ssl]
  deny: [/opt/nothing]
network:
  allow: ["*:443"]
protections: {signal-scope: disabled}
syscalls:
  allow: ["@clock"]
YAML
status=0
# Relative paths, as in a repository checkout (GitHub resolves them against the checkout),
# and absolute ones (file: URIs) in a second log validated the same way below.
(cd "$work" && "$sandlock" lint --format sarif risky.yaml >lint.sarif) || status=$?
"$sandlock" lint --format sarif "$work/risky.yaml" >"$work/lint-abs.sarif" || status=$?
grep -q '"uri": "file:///' "$work/lint-abs.sarif" || { echo "FAIL: absolute path not a file: URI" >&2; exit 1; }
[[ $status == 0 ]] || { echo "FAIL: sandlock lint exited $status" >&2; exit 1; }
for rule in SL001 SL002 SL003 SL005 SL006 SL007 SL008; do
  grep -q "\"ruleId\": \"$rule\"" "$work/lint.sarif" || { echo "FAIL: no $rule result in the SARIF log" >&2; exit 1; }
done
# `validate` exits non-zero on errors; its output lists any.
if ! "$tool" validate --output "$work/validation.sarif" "$work/lint.sarif" "$work/lint-abs.sarif" >"$work/out.txt" 2>&1; then
  cat "$work/out.txt" >&2
  echo "FAIL: sarif-multitool rejected the log" >&2
  exit 1
fi
# The validation log itself must hold no error-level result.
if grep -q '"level": "error"' "$work/validation.sarif"; then
  cat "$work/out.txt" >&2
  echo "FAIL: sarif-multitool reported errors" >&2
  exit 1
fi
echo "lint_sarif: ok" >&2
