#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into Tests/FuzzTests/Corpus/<target>/.

Plain Python (no PyTorch, no numpy): small valid inputs of every format cnnlab reads, from
which the fuzzers (scripts/fuzz.sh, and the seeded run in `make test`) mutate.
Run from the repository root: python3 scripts/make_fuzz_seeds.py
"""
import gzip
import json
import os
import shutil
import struct

ROOT = os.path.join("Tests", "FuzzTests", "Corpus")


def put(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def main():
    # Lessons: the course's own files plus one with every block kind.
    os.makedirs(os.path.join(ROOT, "lesson"), exist_ok=True)
    for name in sorted(os.listdir("lessons")):
        if name.endswith(".md") and name[0].isdigit():
            shutil.copy(os.path.join("lessons", name), os.path.join(ROOT, "lesson", name))
    put("lesson", "all-blocks.md", """# Every block

A short lesson.

## Explore

```explore
op: convT
input: "1 2; 3 4"
kernel: [[1, 0], [0, -1]]
stride: 2
padding: 1
output_padding: 1
```

## Pool

```explore
op: pool
pass: backward
kernel_size: [2, 3]
stride: [1, 2]
padding: 1
```

```quiz
question: What is the first output?
answer: 7
hints:
  - add the products
```

## Model

```model
input: [3, 32, 32]
layers:
  - Conv2d(3, 6, 5)
  - ReLU()
  - MaxPool2d(2, 2)
  - Flatten()
  - Linear(1176, 10)
```

```train
model: cnn
epochs: 1
```
""")

    # Explorer matrices and sizes.
    for i, text in enumerate(["2 3 5 0; 1 5 7 -9; -5 2 1 1; 2 0 -2 4", "[[1, 2], [3, 4]]",
                              "1 2; 3 4 | 5 6; 7 8 || 1 2; 3 4 | 5 6; 7 8", "[[[[1.5, -2e3]]]]", "2x1", "64x64",
                              "1,2\n3,4", "−1 2; 3 −4"]):
        put("matrix", "seed-%d.txt" % i, text)

    # Every explorer setting: op, input, kernel, stride, padding, dilation, output padding,
    # bias, upstream, channels, filters, random, flags (b backward, c ceil mode).
    settings = [
        ["conv", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["conv", "1 2 3; 4 5 6; 7 8 9", "1 0; 0 -1", "2", "1", "1", "", "0.5", "", "", "", "", "b"],
        ["conv", "", "3x3", "1x2", "1", "2", "", "1, -1", "", "2", "2", "6x6", ""],
        ["pool", "", "3", "2", "1", "1", "", "", "1 1 1; 1 1 1; 1 1 1", "", "", "5x5", "bc"],
        ["tconv", "1 2; 3 4", "3x3", "2", "1", "1", "1", "", "", "", "", "", ""],
        ["tconv", "[[1, 2], [3, 4]]", "[[1, 0], [0, 1]]", "3", "0", "2", "2", "0", "", "", "", "", ""],
    ]
    for i, lines in enumerate(settings):
        put("settings", "seed-%d.txt" % i, "\n".join(lines))

    # Eval JSON: a few golden cases, one of each op, and a document with several.
    with open(os.path.join("Tests", "KernelsTests", "Fixtures", "ops.json")) as f:
        cases = json.load(f)["cases"]
    picked = {}
    for case in cases:
        if case["op"] not in picked and len(json.dumps(case)) < 1500:
            picked[case["op"]] = case
    for op, case in sorted(picked.items()):
        put("eval-json", op + ".json", json.dumps(case))
    put("eval-json", "document.json", json.dumps({"cases": list(picked.values())}))

    # Safetensors: two float32 tensors, as cnnlab and safetensors.torch write them.
    def safetensors(tensors):
        header, data = {"__metadata__": {"model": "seed"}}, b""
        for name, shape, values in tensors:
            raw = struct.pack("<%df" % len(values), *values)
            header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
            data += raw
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * ((8 - len(text) % 8) % 8)
        return struct.pack("<Q", len(text)) + text + data
    put("safetensors", "two-tensors.safetensors",
        safetensors([("0.weight", [2, 1, 2, 2], [0.5, -1, 2, 0, 1, 1, -0.25, 3]), ("0.bias", [2], [0.1, -0.1])]))
    put("safetensors", "scalar.safetensors", safetensors([("x", [], [1.0])]))

    # CIFAR-10: two records (label byte + 3072 pixel bytes).
    record = lambda label: bytes([label]) + bytes((i * 7 + label) % 256 for i in range(3072))
    put("cifar10", "two-records.bin", record(3) + record(9))

    # IDX: 2 images of 3x2 pixels, their labels, and the gzipped images.
    images = struct.pack(">IIII", 0x0803, 2, 3, 2) + bytes(range(12))
    labels = struct.pack(">II", 0x0801, 2) + bytes([1, 9])
    put("idx", "images-idx3-ubyte", images)
    put("idx", "labels-idx1-ubyte", labels)
    put("idx", "images-idx3-ubyte.gz", gzip.compress(images, mtime=0))


if __name__ == "__main__":
    main()
