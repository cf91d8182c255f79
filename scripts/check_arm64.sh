#!/usr/bin/env bash
# Checks that the C kernels (Sources/CKernels) compile for arm64 (aarch64 Linux): every x86
# intrinsic must sit behind `#if defined(__x86_64__)`, so an arm64 build gets the portable path.
# Syntax and types only (-fsyntax-only, warnings as errors); nothing is linked or run.
#
# Needs a clang that targets aarch64 (the Swift toolchain's does) and the aarch64 C library
# headers (Debian: apt-get install libc6-dev-arm64-cross). Exits 0 when every file passes,
# 1 when one fails, 77 ("skipped") when the compiler or the headers are missing.
# `check_arm64.sh --probe` only says (exit 0 or 77) whether the tools are there.
set -uo pipefail
cd "$(dirname "$0")/.."

CLANG=${CLANG:-}
if [ -z "$CLANG" ]; then
    swift_bin=$(dirname "$(readlink -f "$(command -v swift 2>/dev/null || echo /nonexistent)")")
    for candidate in "$swift_bin/clang" "$(command -v clang 2>/dev/null)"; do
        [ -n "$candidate" ] && [ -x "$candidate" ] && { CLANG=$candidate; break; }
    done
fi
[ -n "$CLANG" ] || { echo "check_arm64: skipped: no clang (set CLANG)"; exit 77; }
HEADERS=${AARCH64_HEADERS:-/usr/aarch64-linux-gnu/include}
[ -f "$HEADERS/stdio.h" ] || { echo "check_arm64: skipped: no aarch64 C headers in $HEADERS (apt-get install libc6-dev-arm64-cross)"; exit 77; }

[ "${1:-}" = "--probe" ] && { echo "check_arm64: $CLANG, headers in $HEADERS"; exit 0; }

failed=0
for file in Sources/CKernels/*.c; do
    if ! "$CLANG" --target=aarch64-linux-gnu -isystem "$HEADERS" -I Sources/CKernels/include \
            -fsyntax-only -Wall -Wextra -Werror "$file"; then
        echo "check_arm64: $file does not compile for aarch64" >&2
        failed=1
    fi
done
[ $failed -eq 0 ] && echo "check_arm64: $(ls Sources/CKernels/*.c | wc -l) C files compile for aarch64-linux-gnu ($("$CLANG" --version | head -1))"
exit $failed
