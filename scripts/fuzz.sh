#!/usr/bin/env bash
# Coverage-guided fuzzing of cnnlab's readers with libFuzzer (the Swift toolchain's
# -sanitize=fuzzer, plus AddressSanitizer).
#
#   scripts/fuzz.sh                       # every target, 60 s each
#   scripts/fuzz.sh lesson 300            # one target for 300 s
#   SECONDS_PER_TARGET=20 scripts/fuzz.sh all
#   FUZZ_MODE=seeded scripts/fuzz.sh      # the seeded Swift mutator instead (no libFuzzer)
#
# Targets: lesson matrix settings eval-json safetensors cifar10 idx (see Sources/FuzzTargets).
# Seeds come from Tests/FuzzTests/Corpus/<target> (scripts/make_fuzz_seeds.py); new coverage
# goes to .build/fuzz-corpus/<target>. A crash is written to .build/fuzz-crashes/<target>/;
# copy it into Tests/FuzzTests/Regressions/<target>/ once fixed, so `make test` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-all}"
seconds="${2:-${SECONDS_PER_TARGET:-60}}"
mode="${FUZZ_MODE:-libfuzzer}"
all=(lesson matrix settings eval-json safetensors cifar10 idx)
if [[ "$target" == all ]]; then targets=("${all[@]}"); else targets=("$target"); fi

if [[ "$mode" == libfuzzer ]]; then
    # Only the fuzz product and its dependencies are built, in their own build folder, with
    # coverage instrumentation; CNNLAB_LIBFUZZER swaps the Swift main for libFuzzer's driver.
    swift build --scratch-path .build/fuzz --product cnnlab-fuzz \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DCNNLAB_LIBFUZZER \
        -Xcc -DCNNLAB_LIBFUZZER
    binary=.build/fuzz/debug/cnnlab-fuzz
else
    swift build --product cnnlab-fuzz
    binary=.build/debug/cnnlab-fuzz
fi

status=0
for name in "${targets[@]}"; do
    seeds="Tests/FuzzTests/Corpus/$name"
    regressions="Tests/FuzzTests/Regressions/$name"
    [[ -d "$seeds" ]] || { echo "unknown target '$name' (targets: ${all[*]})" >&2; exit 2; }
    if [[ "$mode" == libfuzzer ]]; then
        corpus=".build/fuzz-corpus/$name"; crashes=".build/fuzz-crashes/$name"
        mkdir -p "$corpus" "$crashes"
        folders=("$corpus" "$seeds"); [[ -d "$regressions" ]] && folders+=("$regressions")
        # The eval and settings targets legitimately run a few milliseconds per input; a
        # timeout or a 2 GB footprint is a finding (unbounded work), as a crash is.
        echo "== $name: libFuzzer for $seconds s"
        if ! CNNLAB_FUZZ_TARGET="$name" CNNLAB_KERNELS="${CNNLAB_KERNELS:-portable}" "$binary" "${folders[@]}" \
                -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
                -artifact_prefix="$crashes/" -print_final_stats=1 2>&1 | tee ".build/fuzz-$name.log" \
                | grep -E "^#[0-9]+ *(DONE|INITED)|stat::number_of_executed_units|ERROR|SUMMARY|artifact_prefix|Test unit written"; then
            :
        fi
        if grep -q "Test unit written" ".build/fuzz-$name.log"; then status=1; fi
    else
        echo "== $name: seeded mutator for $seconds s"
        "$binary" "$name" --seconds "$seconds" "$seeds" "$regressions" || status=1
    fi
done
exit $status
