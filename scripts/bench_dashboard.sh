#!/usr/bin/env bash
# What the live dashboard costs: trains the course CNN on the CIFAR-10 sample with the dashboard
# (in a detached tmux window, as a student would see it) and headless, alternately, several
# rounds, and compares the training images/s each run wrote to its --metrics CSV (step time
# only, so the test pass and start-up are left out).
#
# Run from the project's root:   scripts/bench_dashboard.sh
# Settings (environment):        ROUNDS=5 EPOCHS=20 MODEL=cnn SIZE=120x40 CIFAR_DIR=../shared/data/cifar10-sample
# An epoch of the sample trains in about 0.2 s, so short runs mostly measure noise.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
EPOCHS=${EPOCHS:-20}
MODEL=${MODEL:-cnn}
SIZE=${SIZE:-120x40}
CIFAR_DIR=${CIFAR_DIR:-../shared/data/cifar10-sample}

fail() { echo "bench_dashboard: $*" >&2; exit 2; }
command -v tmux >/dev/null || fail "tmux is needed (apt-get install tmux)"
[ -f "$CIFAR_DIR/data_batch_1.bin" ] || fail "no CIFAR-10 sample in $CIFAR_DIR (set CIFAR_DIR)"
[ "$EPOCHS" -ge 2 ] || fail "EPOCHS must be at least 2 (the first epoch is left out as warm-up)"

swift build -c release --product cnnlab >&2
CNNLAB="$(swift build -c release --show-bin-path)/cnnlab"
WORK=$(mktemp -d)
SESSION="cnnlab-bench-$$"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# Training speed of a run from its metrics CSV: all images over all step time (the harmonic mean
# of the per-epoch img/s, every epoch having the same images), leaving out epoch 1 (warm-up).
mean_rate() {
    python3 -c 'import csv,sys; r=[float(x["images_per_second"]) for x in csv.DictReader(open(sys.argv[1]))][1:]; print(round(len(r)/sum(1/v for v in r)))' "$1"
}

run_headless() {
    "$CNNLAB" train --model "$MODEL" --data "$CIFAR_DIR" --epochs "$EPOCHS" --headless --metrics "$WORK/h.csv" >/dev/null
    mean_rate "$WORK/h.csv"
}

run_dashboard() {
    rm -f "$WORK/d.csv"
    tmux new-session -d -s "$SESSION" -x "${SIZE%x*}" -y "${SIZE#*x}" \
        "$CNNLAB train --model $MODEL --data $CIFAR_DIR --epochs $EPOCHS --metrics $WORK/d.csv"
    # Wait until every epoch is in the CSV (a header line plus one per epoch), then quit.
    for _ in $(seq 1 600); do
        [ -f "$WORK/d.csv" ] && [ "$(wc -l < "$WORK/d.csv")" -gt "$EPOCHS" ] && break
        sleep 0.5
    done
    tmux send-keys -t "$SESSION" q
    sleep 1
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    mean_rate "$WORK/d.csv"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $MODEL, $EPOCHS epochs, dashboard at $SIZE, data $CIFAR_DIR"
printf '%-6s %14s %14s %8s\n' round headless_img/s dashboard_img/s cost
costs=()
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then h=$(run_headless); d=$(run_dashboard); else d=$(run_dashboard); h=$(run_headless); fi
    cost=$(python3 -c "print(f'{(1 - $d / $h) * 100:.1f}%')")
    costs+=("$(python3 -c "print((1 - $d / $h) * 100)")")
    printf '%-6s %14s %14s %8s\n' "$round" "$h" "$d" "$cost"
done
median=$(printf '%s\n' "${costs[@]}" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f%%", m }')
printf '%-6s %14s %14s %8s\n' median "" "" "$median"
