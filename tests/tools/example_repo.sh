#!/usr/bin/env bash
# Runs the commands of docs/example-repo/.github/workflows/sandlock.yml on a copy of the
# example repository, in a git history this script makes, and checks their results:
# the target branch passes; a refactoring branch (YAML<->TOML, reordering, a covered grant,
# a rule moved into a base) diffs as no change; a widening branch fails `--fail-on widen`.
# Also runs `sandlock test --live` (real sandboxes) and shows a live test can fail.
# Args: $1 the sandlock binary, $2 the source dir. Exit 77 = skipped (said why on stderr).
set -euo pipefail
sandlock=$(realpath "$1")
src=$2

skip() { echo "SKIP example_repo: $*" >&2; exit 77; }
fail() { echo "FAIL example_repo: $*" >&2; exit 1; }
command -v git >/dev/null || skip "git is not installed"
python3 -c 'import yaml' 2>/dev/null || skip "python3 with yaml (python3-yaml) is needed to read the workflow"

work=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$work"' EXIT
repo="$work/repo"
cp -r "$src/docs/example-repo" "$repo"
mkdir "$work/bin" && ln -s "$sandlock" "$work/bin/sandlock"
export PATH="$work/bin:$PATH" BASE=main GITHUB_STEP_SUMMARY="$work/summary.md"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
cd "$repo"
git init -q -b main . && git add -A && git commit -qm "policies"

# The `run` script of the workflow step with this id.
step_script() {
  python3 -c 'import sys, yaml
wf = yaml.safe_load(open(".github/workflows/sandlock.yml"))
steps = [s for s in wf["jobs"]["policy"]["steps"] if s.get("id") == sys.argv[1]]
print(steps[0]["run"])' "$1"
}
# expect STATUS STEP: runs the step as the workflow does (bash -e) and checks its exit status.
expect() {
  local want=$1 id=$2 got=0
  bash -e -o pipefail -c "$(step_script "$id")" >"$work/$id.out" 2>"$work/$id.err" || got=$?
  [[ $got == "$want" ]] || { cat "$work/$id.out" "$work/$id.err" >&2; fail "step $id exited $got, expected $want (branch $(git branch --show-current))"; }
}

# 1. The target branch itself: everything passes, the diff is empty.
for id in validate lint test diff; do expect 0 $id; done
python3 -c 'import json, sys; s = json.load(open("sandlock.sarif")); assert s["version"] == "2.1.0", s["version"]' ||
  fail "lint --format sarif is not a SARIF 2.1.0 log"
grep -q "^14 passed, 0 failed$" "$work/test.out" || fail "test: expected 14 passed, 0 failed"
grep -q "0 widening, 0 narrowing" "$GITHUB_STEP_SUMMARY" || fail "diff on the target branch is not empty"

# 2. A refactoring: TOML -> YAML, reordered keys, a grant the base already covers, and the
#    report's input rules moved into a (new) base it extends. No change in meaning.
git checkout -q -b refactor
sandlock convert profiles/fetcher.toml --to yaml >profiles/fetcher.yaml 2>"$work/convert.err"
grep -q "comments in profiles/fetcher.toml are not carried over" "$work/convert.err" || fail "convert did not say comments are dropped"
sandlock diff main:profiles/fetcher.toml profiles/fetcher.yaml >"$work/convert.diff"
grep -q "no change in meaning" "$work/convert.diff" || fail "YAML<->TOML conversion diffs as a change"
git rm -q profiles/fetcher.toml
cat >profiles/base/report-inputs.yaml <<'YAML'
version: 1
filesystem:
  deny: [/srv/reports/in/private]
  read: [/srv/reports/in]
YAML
python3 - <<'PY'
import re
p = "profiles/report.yaml"
s = open(p).read()
s = s.replace("extends: [base/python-app]", "extends: [base/python-app, base/report-inputs]")
s = s.replace("  read:\n    - /srv/reports/in\n", "  read:\n    - /srv/app/templates\n")
s = s.replace("  deny:\n    - /srv/reports/in/private\n", "")
open(p, "w").write(s)
PY
git add -A && git commit -qm "refactor"
expect 0 validate
expect 0 test
expect 0 diff
grep -q "0 widening, 0 narrowing" "$GITHUB_STEP_SUMMARY" || { cat "$GITHUB_STEP_SUMMARY" >&2; fail "the refactoring diffs as a change"; }
expect 0 lint
grep -q '"ruleId": "SL007"' sandlock.sarif || fail "lint did not flag the covered grant /srv/app/templates (SL007)"

# 3. A widening: write access to /etc and a new destination. The gate fails; the comment says why.
git checkout -q -b widen main
sed -i 's|^    - /srv/reports/out$|    - /srv/reports/out\n    - /etc|' profiles/report.yaml
sed -i 's|^allow = \["10.20.0.0/16:443"\]|allow = ["10.20.0.0/16:443", "0.0.0.0/0:22"]|' profiles/fetcher.toml
git commit -qam "widen"
expect 1 diff
grep -q "2 widening, 0 narrowing" "$GITHUB_STEP_SUMMARY" || { cat "$GITHUB_STEP_SUMMARY" >&2; fail "expected 2 widenings"; }
grep -q '| \*\*widening\*\* | filesystem | <code>/etc</code> |.*profiles/report.yaml:11:7 |' "$GITHUB_STEP_SUMMARY" || fail "the /etc widening is missing or lacks provenance"
grep -q '| \*\*widening\*\* | network | <code>0.0.0.0/0:22</code> |' "$GITHUB_STEP_SUMMARY" || fail "the new destination is missing"
expect 1 test  # the report's own assertion catches it
grep -q "FAIL deny write /etc/passwd  (granted by /etc at profiles/report.yaml:11:7)" "$work/test.out" || fail "test did not name the rule"
expect 0 lint  # report scores 3.0 (fs-write-system): flagged, but under the threshold of 5
grep -q '"ruleId": "SL001"' sandlock.sarif || fail "lint did not flag write access to /etc (SL001)"
status=0
sandlock lint --threshold 2 profiles >"$work/threshold.err" 2>&1 || status=$?
[[ $status == 1 ]] && grep -q "exposure profiles/report.yaml: 3.0/10" "$work/threshold.err" || fail "--threshold 2 did not fail on a 3.0 profile"

# 4. Live: assertions performed in real sandboxes hold, and a false one fails.
git checkout -q main
if ! sandlock check 2>/dev/null | grep -qE "^landlock ABI +[1-9]"; then
  echo "!!! example_repo: SKIPPED the live part: this kernel has no Landlock !!!" >&2
  exit 0
fi
mkdir -p "$work/data" "$work/out" && echo hi >"$work/data/a.txt" && echo no >"$work/secret.txt"
live_profile() {  # $1 file, $2 extra allow assertion
  cat >"$1" <<YAML
version: 1
extends: [base/python-app]
filesystem:
  read: [$work/data]
  write: [$work/out]
network:
  allow: ["127.0.0.1:9"]
tests:
  allow: ["read $work/data/a.txt", "write $work/out", "connect 127.0.0.1:9"$2]
  deny: ["read $work/secret.txt", "write $work/data/a.txt", "connect 127.0.0.1:10", "bind 9000", "signal outside", "abstract-unix outside"]
YAML
}
live_profile profiles/live.yaml ""
status=0
sandlock test --live profiles/live.yaml >"$work/live.out" 2>&1 || status=$?
[[ $status == 0 ]] && grep -q "^9 passed, 0 failed$" "$work/live.out" || { cat "$work/live.out" >&2; fail "test --live on a correct profile"; }
grep -q "PASS deny connect 127.0.0.1:10 .*live: performed: denied" "$work/live.out" || fail "the live connect denial was not performed"
live_profile profiles/live.yaml ", \"read $work/secret.txt\""
status=0
sandlock test --live profiles/live.yaml >"$work/live-bad.out" 2>&1 || status=$?
[[ $status == 1 ]] && grep -q "^9 passed, 1 failed$" "$work/live-bad.out" &&
  grep -q "FAIL allow read $work/secret.txt .*live: performed: denied" "$work/live-bad.out" ||
  { cat "$work/live-bad.out" >&2; fail "a false live assertion did not fail"; }
echo "example_repo: ok" >&2
