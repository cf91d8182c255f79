"""Loads a cnnlab checkpoint into PyTorch and scores the CIFAR-10 (sample) test set in eval mode.

    $HOME/torch-peer/bin/python scripts/check_pytorch_load.py CHECKPOINT [--layers TEXT|@FILE]
        [--data DIR] [--cnnlab BIN]

The network is nn.Sequential(<the layer text>): --layers, else the text cnnlab stored in the
file's metadata ("layers"). The state_dict is loaded with strict=True (so every name, shape and
BatchNorm buffer must match), the model is put in eval mode, and the test set (test_batch.bin,
pixels / 255 as cnnlab reads them) is scored with the task cnnlab used: cross-entropy and
accuracy for a classifier (output of one value per class), the summed squared error per image
for a reconstruction. With --cnnlab, `cnnlab evaluate` runs on the same file and data and the
script checks the agreement the course asks for: accuracy within 0.002 and loss within 0.5%.
Exit status 1 when the check fails.
"""
import argparse
import re
import subprocess
import sys

import numpy as np
import torch
from safetensors.torch import load_file
from torch.nn import *  # noqa: F401,F403 - the layer text names torch.nn's classes


def load_test(directory):
    raw = np.fromfile(f"{directory}/test_batch.bin", dtype=np.uint8).reshape(-1, 3073)
    labels = torch.tensor(raw[:, 0].astype(np.int64))
    images = torch.tensor(raw[:, 1:].reshape(-1, 3, 32, 32)).float() / 255.0
    return images, labels


def layer_text(args):
    if args.layers:
        if not args.layers.startswith("@"):
            return args.layers
        lines = [line.split("#")[0].strip().rstrip(",") for line in open(args.layers[1:])]
        return ", ".join(line for line in lines if line)
    from safetensors import safe_open
    with safe_open(args.checkpoint, "pt") as f:
        metadata = f.metadata() or {}
    if "layers" not in metadata:
        sys.exit(f"{args.checkpoint} stores no layer text: pass --layers")
    return metadata["layers"]


def score(model, images, labels, batch=128):
    total_loss, correct, classifier = 0.0, 0, None
    with torch.no_grad():
        for start in range(0, len(images), batch):
            x, y = images[start:start + batch], labels[start:start + batch]
            out = model(x)
            if classifier is None:
                classifier = out.shape != x.shape
            if classifier:
                total_loss += torch.nn.functional.cross_entropy(out, y, reduction="sum").item()
                correct += (out.argmax(1) == y).sum().item()
            else:
                total_loss += ((out - x) ** 2).sum().item()
    n = len(images)
    return (correct / n if classifier else None), total_loss / n


def cnnlab_figures(binary, checkpoint, layers, data):
    command = [binary, "evaluate", "--layers", layers, "--load", checkpoint, "--data", data]
    line = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    accuracy = re.search(r"test accuracy ([0-9.]+)", line)
    loss = re.search(r"test loss ([0-9.]+)", line)
    return (float(accuracy.group(1)) if accuracy else None), float(loss.group(1)), line.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("--layers")
    parser.add_argument("--data", default="../shared/data/cifar10-sample")
    parser.add_argument("--cnnlab", help="the cnnlab binary, to compare with `cnnlab evaluate`")
    args = parser.parse_args()

    text = layer_text(args)
    model = eval(f"Sequential({text})")
    model.load_state_dict(load_file(args.checkpoint), strict=True)
    model.eval()
    images, labels = load_test(args.data)
    accuracy, loss = score(model, images, labels)
    shown = f"test accuracy {accuracy:.4f}  " if accuracy is not None else ""
    print(f"PyTorch {torch.__version__} (strict load, eval mode): {shown}test loss {loss:.4f}  ({len(images)} images)")
    print(f"network: {text}")
    if not args.cnnlab:
        return
    their_accuracy, their_loss, line = cnnlab_figures(args.cnnlab, args.checkpoint, text, args.data)
    print(f"cnnlab: {line}")
    ok = abs(loss - their_loss) <= 0.005 * abs(their_loss) + 1e-4  # cnnlab prints 4 decimals
    if accuracy is not None:
        ok = ok and their_accuracy is not None and abs(accuracy - their_accuracy) <= 0.002
    diff_acc = "" if accuracy is None else f"accuracy difference {abs(accuracy - their_accuracy):.4f}, "
    print(f"{'AGREE' if ok else 'DISAGREE'}: {diff_acc}loss difference {abs(loss - their_loss) / max(abs(their_loss), 1e-12) * 100:.3f}%")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
