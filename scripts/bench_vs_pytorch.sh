#!/usr/bin/env bash
# Trains the course CNN and autoencoder with cnnlab (release build) and with the PyTorch peer
# (../shared/bench/pytorch_peer.py), alternately, several rounds, same model, recipe, batch (128),
# data (the CIFAR-10 sample) and threads; prints images/s of each, the median of the per-round
# ratios, and the peak resident memory of each process.
#
# Run from the project's root:   scripts/bench_vs_pytorch.sh
# Settings (environment):        ROUNDS=3 THREADS=2 EPOCHS=10 MODELS="cnn ae"
#                                TORCH_PYTHON=$HOME/torch-peer/bin/python
#                                CIFAR_DIR=../shared/data/cifar10-sample PEER=../shared/bench/pytorch_peer.py
set -euo pipefail

ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
EPOCHS=${EPOCHS:-10}
MODELS=${MODELS:-"cnn ae"}
TORCH_PYTHON=${TORCH_PYTHON:-$HOME/torch-peer/bin/python}
CIFAR_DIR=${CIFAR_DIR:-../shared/data/cifar10-sample}
PEER=${PEER:-../shared/bench/pytorch_peer.py}

fail() { echo "bench_vs_pytorch: $*" >&2; exit 2; }
[ -x "$TORCH_PYTHON" ] || fail "no Python with PyTorch at $TORCH_PYTHON (see ../shared/bench/README.md; set TORCH_PYTHON)"
[ -f "$PEER" ] || fail "no PyTorch peer at $PEER (set PEER)"
[ -f "$CIFAR_DIR/data_batch_1.bin" ] || fail "no CIFAR-10 sample in $CIFAR_DIR (set CIFAR_DIR)"
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing (apt-get install time)"
command -v python3 >/dev/null || fail "python3 is needed to read the JSON results"

swift build -c release --product cnnlab >&2
CNNLAB="$(swift build -c release --show-bin-path)/cnnlab"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Peak resident set size (MB) from /usr/bin/time -v's report.
max_rss_mb() { awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

run_cnnlab() {   # model round
    /usr/bin/time -v -o "$WORK/time" "$CNNLAB" bench --model "$1" --threads "$THREADS" --epochs "$EPOCHS" \
        --batch-size 128 --data "$CIFAR_DIR" --json > "$WORK/out"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(round(r["images_per_second"]))' "$WORK/out"
    max_rss_mb "$WORK/time"
}

run_peer() {     # model round
    /usr/bin/time -v -o "$WORK/time" "$TORCH_PYTHON" "$PEER" "$1" "$EPOCHS" "$THREADS" "$CIFAR_DIR" > "$WORK/out"
    sed -n 's/.*train_images_per_s=\([0-9]*\).*/\1/p' "$WORK/out"
    max_rss_mb "$WORK/time"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
echo "# PyTorch $("$TORCH_PYTHON" -c 'import torch; print(torch.__version__)'), cnnlab BLAS $("$CNNLAB" doctor 2>/dev/null | awk -F'  +' '/BLAS core/ {print $2; exit}')"
echo "# ROUNDS=$ROUNDS THREADS=$THREADS EPOCHS=$EPOCHS batch 128, data $CIFAR_DIR"
printf '%-12s %5s %14s %14s %7s %12s %12s\n' model round cnnlab_img/s pytorch_img/s ratio cnnlab_MB pytorch_MB
for model in $MODELS; do
    ratios=()
    for round in $(seq 1 "$ROUNDS"); do
        # Alternate which program goes first, so a slow spell on the machine hits both alike.
        if [ $((round % 2)) -eq 1 ]; then
            mapfile -t ours < <(run_cnnlab "$model"); mapfile -t theirs < <(run_peer "$model")
        else
            mapfile -t theirs < <(run_peer "$model"); mapfile -t ours < <(run_cnnlab "$model")
        fi
        ratio=$(python3 -c "print(f'{$((ours[0])) / $((theirs[0])):.2f}')")
        ratios+=("$ratio")
        printf '%-12s %5s %14s %14s %7s %12s %12s\n' "$model" "$round" "${ours[0]}" "${theirs[0]}" "$ratio" "${ours[1]}" "${theirs[1]}"
    done
    median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    printf '%-12s %5s %14s %14s %7s\n' "$model" median "" "" "$median"
done
