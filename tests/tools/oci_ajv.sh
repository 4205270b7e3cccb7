#!/usr/bin/env bash
# Validates `sandlock compile --emit oci-seccomp` output for every shipped profile against
# the OCI runtime-spec schema of linux.seccomp, with ajv (a third-party validator).
# Args: $1 the sandlock binary, $2 the source dir. Exit 77 = skipped (said why on stderr).
set -euo pipefail
sandlock=$1
src=$2
schemas="$src/../shared/schemas/oci-runtime-spec"

skip() {
  echo "SKIP oci_ajv: $*" >&2
  exit 77
}

command -v npm >/dev/null && command -v node >/dev/null || skip "npm/node are not installed"
[[ -f $schemas/config-linux.json ]] || skip "the OCI runtime-spec schemas are not at $schemas"
"$sandlock" compile --help 2>&1 | grep -q oci-seccomp || skip "'sandlock compile' has no --emit oci-seccomp yet"
shopt -s nullglob
profiles=("$src"/policies/*.yaml "$src"/policies/*.toml)
((${#profiles[@]})) || skip "no shipped profiles in $src/policies"

prefix="$src/.cache/npm"
ajv="$prefix/node_modules/.bin/ajv"
if [[ ! -x $ajv ]]; then
  npm --prefix "$prefix" install --no-audit --no-fund --loglevel=error ajv-cli@5 ajv-formats >&2 ||
    skip "could not install ajv-cli@5 and ajv-formats from the npm registry"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The OCI schemas have no ids and declare draft-04: give each copy an absolute $id ending in
# its file name so the relative refs (defs-linux.json#/definitions/...) resolve, and drop
# $schema (ajv 8 speaks draft-07; these schemas use nothing draft-04-only).
base="https://sandlock.invalid/oci-runtime-spec"
for f in config-linux.json defs-linux.json defs.json; do
  node -e 'const [file, id] = process.argv.slice(1);
           const s = JSON.parse(require("fs").readFileSync(file, "utf8"));
           delete s.$schema; s.$id = id;
           process.stdout.write(JSON.stringify(s));' "$schemas/$f" "$base/$f" >"$work/$f"
done

# config-linux.json is a fragment ({"linux": {...}}, referenced by config-schema.json as
# config-linux.json#/linux): the seccomp object's schema is at #/linux/properties/seccomp.
echo "{\"\$id\": \"$base/seccomp.json\", \"allOf\": [{\"\$ref\": \"config-linux.json#/linux/properties/seccomp\"}]}" \
  >"$work/seccomp.json"

status=0
for profile in "${profiles[@]}"; do
  if ! "$sandlock" compile --emit oci-seccomp "$profile" >"$work/out.json"; then
    echo "FAIL: sandlock compile --emit oci-seccomp $profile" >&2
    status=1
    continue
  fi
  echo "checking $profile" >&2
  "$ajv" validate --spec=draft7 --strict=false --all-errors -c ajv-formats -s "$work/seccomp.json" \
    -r "$work/config-linux.json" -r "$work/defs-linux.json" -r "$work/defs.json" -d "$work/out.json" || status=1
done
exit $status
