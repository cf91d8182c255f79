#!/usr/bin/env python3
"""Compares `cnnlab eval` output with a golden file's expected values (standard library only).

    cnnlab eval ../shared/golden/layers.json > fast.json
    cnnlab eval ../shared/golden/layers.json --reference > reference.json
    python3 scripts/compare_eval.py ../shared/golden/layers.json fast.json reference.json

Prints, per results file, how many cases pass the golden file's tolerance rule
(|actual - expected| <= abs + rel * |expected|, every field the golden case gives) and the
largest absolute error; exits 1 when any case fails.
"""
import json
import sys


def flat(value):
    if value is None:
        return None
    if isinstance(value, list):
        out = []
        for item in value:
            out.extend(flat(item))
        return out
    return [float(value)]


def compare(golden, results):
    tol = golden["tolerance"]
    by_name = {case["name"]: case for case in results["cases"]}
    passed, failures, worst = 0, [], 0.0
    for case in golden["cases"]:
        got = by_name.get(case["name"])
        if got is None:
            failures.append(f"{case['name']}: missing from the results")
            continue
        ok = True
        for field, want in case["expected"].items():
            want, have = flat(want), flat(got.get(field))
            if want is None and have is None:
                continue
            if want is None or have is None or len(want) != len(have):
                ok = False
                failures.append(f"{case['name']} {field}: shape or presence differs")
                continue
            for a, e in zip(have, want):
                error = abs(a - e)
                worst = max(worst, error)
                if error > tol["abs"] + tol["rel"] * abs(e):
                    ok = False
                    failures.append(f"{case['name']} {field}: {a} vs {e}")
                    break
        passed += ok
    return passed, failures, worst


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    golden = json.load(open(sys.argv[1]))
    status = 0
    for path in sys.argv[2:]:
        passed, failures, worst = compare(golden, json.load(open(path)))
        print(f"{path}: {passed}/{len(golden['cases'])} cases within tolerance, largest abs error {worst:.3g}")
        for line in failures[:10]:
            print("  " + line)
        status |= bool(failures)
    sys.exit(status)


if __name__ == "__main__":
    main()
