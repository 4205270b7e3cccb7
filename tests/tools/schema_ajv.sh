#!/usr/bin/env bash
# The JSON Schema under a second, independent validator (ajv): every shipped profile must
# pass, and known-bad documents must fail. $1 = sandlock binary (unused), $2 = source dir.
set -euo pipefail
src="$2"
schema="$src/schema/sandlock-profile.schema.json"
prefix="$src/.cache/npm"
ajv="$prefix/node_modules/.bin/ajv"

skip() { echo "SKIP: $*" >&2; echo "!!! tool.schema_ajv skipped: $* !!!" >&2; exit 77; }

if [[ ! -x "$ajv" ]]; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed (needed for ajv-cli)"
  npm install --silent --prefix "$prefix" ajv-cli@5 ajv-formats >/dev/null 2>&1 || skip "npm install ajv-cli@5 failed (offline?)"
fi
python3 -c 'import yaml, tomllib' 2>/dev/null || skip "python3 with yaml (python3-yaml) and tomllib (3.11+) is needed"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# YAML/TOML → JSON with the same typing sandlock uses (YAML 1.2 core-ish via safe_load; TOML 1.0).
to_json() {
  python3 - "$1" "$2" <<'PY'
import json, sys, tomllib, yaml
src, out = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    data = tomllib.load(f) if src.endswith(".toml") else yaml.safe_load(f)
with open(out, "w") as f:
    json.dump(data, f)
PY
}

validate() { "$ajv" validate --spec=draft7 -s "$schema" -d "$1" >"$work/ajv.log" 2>&1; }

failures=0
checked=0
while IFS= read -r -d '' profile; do
  json="$work/profile.json"
  to_json "$profile" "$json"
  if validate "$json"; then
    checked=$((checked + 1))
  else
    echo "FAIL: $profile does not match the schema:" >&2
    cat "$work/ajv.log" >&2
    failures=$((failures + 1))
  fi
done < <(find "$src/policies" \( -name '*.yaml' -o -name '*.toml' \) -print0 2>/dev/null | sort -z)

# Positive control: a full profile in the documented format must pass.
cat >"$work/good.json" <<'JSON'
{"$schema": "https://sandlock.dev/schema/profile-v1.json", "version": 1, "name": "web",
 "description": "nginx", "extends": ["base/minimal"],
 "filesystem": {"read": ["/usr/share/nginx"], "exec": ["/usr/sbin"], "write": ["${HOME}/log"], "deny": ["/etc/shadow"],
                "rules": [{"path": "/var/lib/app", "access": ["read_file", "write_file", "make_reg", "truncate"]}]},
 "network": {"allow": ["tcp://127.0.0.1:8080", "udp://[::1]:53", "api.example.com:443", "::1", "[2001:db8::/32]:443"],
             "bind": [8080, "9000-9005", "*"]},
 "protections": {"signal-scope": "degradable", "FS-Truncate": "Strict"},
 "syscalls": {"deny": ["@debug", "chroot"], "allow": ["@sysv-ipc"]},
 "limits": {"memory": "512M", "processes": 64, "open_files": 1024, "cpu_time": 60, "file_size": "1G"},
 "program": {"exec": "/usr/sbin/nginx", "args": ["-g", "daemon off;"], "env": {"LANG": "C.UTF-8"}, "clean_env": true, "cwd": "/"},
 "tests": {"allow": ["read /etc/hosts"], "deny": ["write /etc/passwd"]}}
JSON
if validate "$work/good.json"; then checked=$((checked + 1)); else
  echo "FAIL: the documented example profile is rejected:" >&2; cat "$work/ajv.log" >&2; failures=$((failures + 1)); fi

# Known-bad documents: each must be rejected.
bad_docs=(
  '{"name": "no-version"}'
  '{"version": 2}'
  '{"version": "1"}'
  '{"version": 1, "filesystem": {"raed": ["/etc"]}}'
  '{"version": 1, "filesystem": {"read": "/etc"}}'
  '{"version": 1, "extends": "base/minimal"}'
  '{"version": 1, "filesystem": {"rules": [{"path": "/x", "access": ["raed_file"]}]}}'
  '{"version": 1, "filesystem": {"rules": [{"path": "/x"}]}}'
  '{"version": 1, "network": {"allow": ["10.0.0.1"], "deny": ["10.0.0.2"]}}'
  '{"version": 1, "network": {"allow": ["has space"]}}'
  '{"version": 1, "network": {"bind": [70000]}}'
  '{"version": 1, "protections": {"signal-scope": "sometimes"}}'
  '{"version": 1, "limits": {"memory": "lots"}}'
  '{"version": 1, "limits": {"processes": 0}}'
  '{"version": 1, "program": {"clean_env": "yes"}}'
  '{"version": 1, "program": {"env": {"A B": "x"}}}'
  '{"version": 1, "unknown": true}'
)
for doc in "${bad_docs[@]}"; do
  printf '%s' "$doc" >"$work/bad.json"
  if validate "$work/bad.json"; then
    echo "FAIL: ajv accepted a bad document: $doc" >&2
    failures=$((failures + 1))
  else
    checked=$((checked + 1))
  fi
done

echo "schema_ajv: $checked checks passed, $failures failed"
((failures == 0))
