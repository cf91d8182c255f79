#!/usr/bin/env bash
# Two cnnlab builds against each other (an A/B of a change): `cnnlab bench` of the course CNN and
# autoencoder, the two binaries alternating within each round (A, B, then B, A in the next round,
# so neither always runs first), several rounds. Prints each run's images/s and final loss, then
# per model the median images/s of each build, B/A (the speed change; within 0.97-1.03 is "the
# same speed") and whether the final losses are identical (they should be: same arithmetic).
#
# Run from the project's root, on a quiet machine (nothing else building or benchmarking):
#   scripts/bench_ab.sh OLD_BIN NEW_BIN
#   ROUNDS=7 STEPS=300 scripts/bench_ab.sh /work/h-core-old/.build/release/cnnlab .build/release/cnnlab
# Settings (environment): ROUNDS=5 STEPS=200 THREADS=2 MODELS="cnn ae"
#                         DATA=../shared/data/cifar10-sample (a CIFAR-10 binary folder; `random`
#                         for seeded random images)
set -euo pipefail

fail() { echo "bench_ab: $*" >&2; exit 2; }
[ $# -eq 2 ] || fail "usage: scripts/bench_ab.sh OLD_BIN NEW_BIN"
OLD=$1 NEW=$2
[ -x "$OLD" ] || fail "$OLD is not an executable cnnlab"
[ -x "$NEW" ] || fail "$NEW is not an executable cnnlab"
command -v python3 >/dev/null || fail "python3 is needed to read the JSON results"

ROUNDS=${ROUNDS:-5}
STEPS=${STEPS:-200}
THREADS=${THREADS:-2}
MODELS=${MODELS:-cnn ae}
DATA=${DATA:-../shared/data/cifar10-sample}
if [ "$DATA" = random ]; then
    data_args=(--random)
else
    [ -f "$DATA/data_batch_1.bin" ] || fail "no CIFAR-10 binary folder at $DATA (set DATA, or DATA=random)"
    data_args=(--data "$DATA")
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "bench_ab: A=$OLD B=$NEW rounds=$ROUNDS steps=$STEPS threads=$THREADS models=$MODELS"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

run() {   # run LABEL BIN MODEL ROUND
    local json
    json=$("$2" bench --model "$3" --steps "$STEPS" --threads "$THREADS" "${data_args[@]}" --json) \
        || fail "$2 bench --model $3 failed"
    python3 - "$1" "$3" "$4" "$json" >>"$results" <<'EOF'
import json, sys
label, model, round_, text = sys.argv[1:5]
r = json.loads(text)["results"][0]
print(json.dumps({"build": label, "model": model, "round": int(round_),
                  "ips": r["images_per_second"], "loss": r["final_loss"]}))
EOF
    tail -n 1 "$results" | python3 -c 'import json, sys
r = json.load(sys.stdin)
print("  round %d %3s %s: %9.1f img/s  final loss %r" % (r["round"], r["model"], r["build"], r["ips"], r["loss"]))'
}

for round in $(seq 1 "$ROUNDS"); do
    for model in $MODELS; do
        if [ $((round % 2)) -eq 1 ]; then
            run A "$OLD" "$model" "$round"; run B "$NEW" "$model" "$round"
        else
            run B "$NEW" "$model" "$round"; run A "$OLD" "$model" "$round"
        fi
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" <<'EOF'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for model in dict.fromkeys(r["model"] for r in rows):
    a = [r for r in rows if r["model"] == model and r["build"] == "A"]
    b = [r for r in rows if r["model"] == model and r["build"] == "B"]
    ma, mb = statistics.median(r["ips"] for r in a), statistics.median(r["ips"] for r in b)
    same = {r["loss"] for r in a} == {r["loss"] for r in b} and len({r["loss"] for r in a}) == 1
    verdict = "within 3%" if abs(mb / ma - 1) <= 0.03 else "NOT within 3%"
    print(f"{model}: median A {ma:.1f} img/s, B {mb:.1f} img/s, B/A {mb / ma:.3f} ({verdict}); "
          f"final losses {'identical' if same else 'DIFFER'}: A {sorted({r['loss'] for r in a})}, B {sorted({r['loss'] for r in b})}")
EOF
