#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan (in build-fuzz) and fuzzes
# TARGET (fuzz_parse: the readers; fuzz_compile: parse+validate+compile+lower;
# fuzz_plan_entry: the plan cache's entry decoder) for N
# seconds (default 60), seeded from policies/ and tests/parse/corpus/.
# Findings (crash-*, leak-*, timeout-*) land in build-fuzz/findings/.
#   tests/fuzz/run.sh [seconds] [target] [extra libFuzzer flags...]
set -euo pipefail

seconds="${1:-60}"
shift || true
target="${1:-fuzz_parse}"
shift || true
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build-fuzz"

cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSANDLOCK_FUZZ=ON -DSANDLOCK_SANITIZE=ON -DSANDLOCK_TESTS=OFF >/dev/null
cmake --build "$build" --target "$target" -j"$(nproc)"

# The working corpus grows in build-fuzz; the seeds in the source tree are only read.
corpus="$build/corpus/$target"
findings="$build/findings"
mkdir -p "$corpus" "$findings"
seeds=("$root/tests/parse/corpus")
[ -d "$root/policies" ] && seeds+=("$root/policies")

"$build/tests/fuzz/$target" "$corpus" "${seeds[@]}" \
  -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$findings/" -print_final_stats=1 "$@"
