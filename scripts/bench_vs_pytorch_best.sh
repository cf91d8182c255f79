#!/usr/bin/env bash
# cnnlab against PyTorch at its fastest (../shared/bench/pytorch_best.py: eager, channels_last),
# alternating, several rounds: the same network, recipe, batch (128), data (the CIFAR-10 sample)
# and threads. Prints images/s of each, the median of the per-round ratios, and the peak
# resident memory of each process (/usr/bin/time -v).
#
# Run from the project's root:
#   scripts/bench_vs_pytorch_best.sh                       # the course CNN and autoencoder
#   scripts/bench_vs_pytorch_best.sh cnn "Conv2d(3, 16, 3, padding=1), ReLU(), ..."   # any networks
#   ISA=avx2 scripts/bench_vs_pytorch_best.sh              # both held to AVX2, as on a laptop without AVX-512
# A network is `cnn`, `ae` or nn.Sequential's argument text (cnnlab bench --layers).
# Settings (environment): ROUNDS=3 THREADS=2 EPOCHS=10 ISA=native|avx2|portable
#                         TORCH_PYTHON=$HOME/torch-peer/bin/python CIFAR_DIR=../shared/data/cifar10-sample
#                         PEER=../shared/bench/pytorch_best.py
# ISA=avx2 runs cnnlab with CNNLAB_KERNELS=avx2 OPENBLAS_CORETYPE=Haswell and PyTorch with
# ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2; ISA=portable runs cnnlab's im2col + OpenBLAS
# path (PyTorch as for native).
set -euo pipefail

ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
EPOCHS=${EPOCHS:-10}
ISA=${ISA:-native}
TORCH_PYTHON=${TORCH_PYTHON:-$HOME/torch-peer/bin/python}
CIFAR_DIR=${CIFAR_DIR:-../shared/data/cifar10-sample}
PEER=${PEER:-../shared/bench/pytorch_best.py}
[ $# -gt 0 ] || set -- cnn ae

fail() { echo "bench_vs_pytorch_best: $*" >&2; exit 2; }
[ -x "$TORCH_PYTHON" ] || fail "no Python with PyTorch at $TORCH_PYTHON (see ../shared/bench/README.md; set TORCH_PYTHON)"
[ -f "$PEER" ] || fail "no PyTorch peer at $PEER (set PEER)"
[ -f "$CIFAR_DIR/data_batch_1.bin" ] || fail "no CIFAR-10 sample in $CIFAR_DIR (set CIFAR_DIR)"
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing (apt-get install time)"
command -v python3 >/dev/null || fail "python3 is needed to read the JSON results"

ours_env=() theirs_env=()
case "$ISA" in
    native) ;;
    avx2) ours_env=(CNNLAB_KERNELS=avx2 OPENBLAS_CORETYPE=Haswell)
          theirs_env=(ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2) ;;
    portable) ours_env=(CNNLAB_KERNELS=portable) ;;
    *) fail "ISA=$ISA is not one of native, avx2, portable" ;;
esac

# CNNLAB_BIN=path: an already built cnnlab (no build).
if [ -n "${CNNLAB_BIN:-}" ]; then
    CNNLAB=$CNNLAB_BIN
else
    swift build -c release --product cnnlab >&2
    CNNLAB="$(swift build -c release --show-bin-path)/cnnlab"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Peak resident set size (MB) from /usr/bin/time -v's report.
max_rss_mb() { awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

run_cnnlab() {   # network
    local what
    case "$1" in
        cnn) what=(--model cnn) ;;
        ae) what=(--model autoencoder) ;;
        *) what=(--layers "$1") ;;
    esac
    env "${ours_env[@]}" /usr/bin/time -v -o "$WORK/time" "$CNNLAB" bench "${what[@]}" --threads "$THREADS" \
        --epochs "$EPOCHS" --batch-size 128 --data "$CIFAR_DIR" --json > "$WORK/out" \
        || fail "cnnlab bench failed for $1"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["results"][0]; print(round(r["images_per_second"])); print(d["convolution_kernels"])' "$WORK/out"
    max_rss_mb "$WORK/time"
}

run_peer() {     # network
    env "${theirs_env[@]}" /usr/bin/time -v -o "$WORK/time" "$TORCH_PYTHON" "$PEER" "$1" "$EPOCHS" "$THREADS" "$CIFAR_DIR" \
        > "$WORK/out" || fail "the PyTorch peer failed for $1"
    sed -n 's/.*train_images_per_s=\([0-9]*\).*/\1/p' "$WORK/out"
    sed -n 's/.*capability=\([A-Za-z0-9_]*\).*/\1/p' "$WORK/out"
    max_rss_mb "$WORK/time"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -m), $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
echo "# PyTorch $("$TORCH_PYTHON" -c 'import torch; print(torch.__version__)') ($PEER), ISA=$ISA ${ours_env[*]:-} ${theirs_env[*]:-}"
echo "# cnnlab BLAS core: $(env "${ours_env[@]}" "$CNNLAB" doctor 2>/dev/null | awk -F'  +' '/BLAS core/ {print $2; exit}')"
echo "# ROUNDS=$ROUNDS THREADS=$THREADS EPOCHS=$EPOCHS batch 128, data $CIFAR_DIR"
printf '%-14s %5s %12s %12s %7s %10s %10s  %s\n' network round cnnlab_img/s torch_img/s ratio cnnlab_MB torch_MB kernels
for network in "$@"; do
    label=$network
    [ ${#label} -gt 14 ] && label="${label:0:11}..."
    ratios=()
    for round in $(seq 1 "$ROUNDS"); do
        # Alternate which program goes first, so a slow spell on the machine hits both alike.
        if [ $((round % 2)) -eq 1 ]; then
            mapfile -t ours < <(run_cnnlab "$network"); mapfile -t theirs < <(run_peer "$network")
        else
            mapfile -t theirs < <(run_peer "$network"); mapfile -t ours < <(run_cnnlab "$network")
        fi
        [ ${#ours[@]} -eq 3 ] && [ ${#theirs[@]} -eq 3 ] || fail "no result for $network (round $round)"
        ratio=$(python3 -c "print(f'{${ours[0]} / ${theirs[0]}:.2f}')")
        ratios+=("$ratio")
        printf '%-14s %5s %12s %12s %7s %10s %10s  %s / %s\n' "$label" "$round" "${ours[0]}" "${theirs[0]}" "$ratio" \
            "${ours[2]}" "${theirs[2]}" "${ours[1]}" "${theirs[1]}"
    done
    median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    printf '%-14s %5s %12s %12s %7s\n' "$label" median "" "" "$median"
    [ "$network" = "$label" ] || echo "#   $label = $network"
done
echo "# finished $(date -u '+%H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
