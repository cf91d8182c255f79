"""Reference outputs for `cnnlab inspect`: every module's output for a few test images, from
PyTorch forward hooks on the same checkpoint, in eval mode.

Run from the repository root with the PyTorch peer:

    $HOME/torch-peer/bin/python scripts/make_inspect_fixtures.py [--data ../shared/data/cifar10-sample]

Writes Tests/InspectionTests/Fixtures/<name>.safetensors (the weights, state_dict names) and
<name>.json: the network text, and for each image its CIFAR-10 test index, label, pixel bytes
(so the tests need no dataset), for classifiers the prediction, probabilities and the
saliency (gradient of the predicted class's score with respect to the pixels), and one entry
per module: index, PyTorch's description, output shape (batch dropped) and values (flat,
row-major, 7 significant digits, so the differences the tests report are the programs', not
the file's). The images are records of the CIFAR-10 sample's test_batch.bin (IMAGES below).

Networks: the course CNN, the course autoencoder, and a network with batch norm (its running
statistics set by a few training-mode passes, so eval mode differs from batch statistics).
"""
import argparse
import json
import os

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

NETWORKS = {
    # The course CNN (Sources/NeuralNet/Models/CourseModels.swift).
    "cnn": "Conv2d(3, 8, 5), ReLU(), MaxPool2d(2, 2), Conv2d(8, 16, 5), ReLU(), MaxPool2d(2, 2), "
           "Flatten(), Linear(400, 256), ReLU(), Linear(256, 10)",
    # The course autoencoder.
    "autoencoder": "Conv2d(3, 8, 4, 2, 1), ReLU(), Conv2d(8, 16, 4, 2, 1), ReLU(), Conv2d(16, 32, 4, 2, 1), "
                   "ConvTranspose2d(32, 16, 4, 2, 1), ReLU(), ConvTranspose2d(16, 8, 4, 2, 1), ReLU(), "
                   "ConvTranspose2d(8, 3, 4, 2, 1), Sigmoid()",
    # Batch norm (running statistics), average pooling, dropout (off in eval), LeakyReLU, Tanh.
    "batchnorm": "Conv2d(3, 8, 3, padding=1), BatchNorm2d(8), ReLU(), MaxPool2d(2), "
                 "Conv2d(8, 16, 3, padding=1), BatchNorm2d(16), LeakyReLU(0.1), AvgPool2d(2), "
                 "Conv2d(16, 8, 3, stride=2), Tanh(), Flatten(), Dropout(0.5), Linear(72, 10)",
}
# Test-set records per network (the batch-norm network's maps are larger: one image keeps the file small).
IMAGES = {"cnn": [0, 1], "autoencoder": [0, 1], "batchnorm": [2]}


def build(text):
    return nn.Sequential(*eval("[" + text + "]", {k: getattr(nn, k) for k in dir(nn)}))


def read_test_images(folder, indices):
    raw = open(os.path.join(folder, "test_batch.bin"), "rb").read()
    records = []
    for index in indices:
        record = raw[index * 3073:(index + 1) * 3073]
        records.append((index, record[0], list(record[1:])))
    return records


def rounded(values):
    return [float("%.7g" % v) for v in values]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/data/cifar10-sample")
    parser.add_argument("--out", default="Tests/InspectionTests/Fixtures")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for seed, (name, text) in enumerate(NETWORKS.items()):
        images = read_test_images(args.data, IMAGES[name])
        batch = torch.tensor([pixels for _, _, pixels in images], dtype=torch.float32).reshape(-1, 3, 32, 32) / 255
        torch.manual_seed(seed)
        model = build(text)
        # Give batch norm running statistics of its own (and move its affine parameters away
        # from 1 and 0), so eval mode is really tested.
        with torch.no_grad():
            for module in model:
                if isinstance(module, nn.BatchNorm2d):
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.3, 0.3)
        if any(isinstance(m, nn.BatchNorm2d) for m in model):
            model.train()
            with torch.no_grad():
                for _ in range(3):
                    model(torch.rand(16, 3, 32, 32))
        model.eval()
        outputs = {}
        for index, module in enumerate(model):
            module.register_forward_hook(lambda m, i, o, index=index: outputs.__setitem__(index, o.detach()))
        with torch.no_grad():
            model(batch)
        kept = dict(outputs)  # the saliency passes below fire the hooks again
        state = {k: v.contiguous() for k, v in model.state_dict().items()}
        save_file(state, os.path.join(args.out, name + ".safetensors"))
        os.chmod(os.path.join(args.out, name + ".safetensors"), 0o644)
        cases = []
        for position, (index, label, pixels) in enumerate(images):
            layers = []
            for i, module in enumerate(model):
                value = kept[i][position]
                layers.append({"index": i, "layer": str(module), "shape": list(value.shape),
                               "values": rounded(value.flatten().tolist())})
            case = {"image": index, "label": label, "pixels": pixels, "layers": layers}
            last = kept[len(model) - 1][position]
            if last.dim() == 1:
                # Saliency: the gradient of the predicted class's score (before softmax) with
                # respect to the input pixels.
                predicted = int(torch.argmax(last))
                x = batch[position:position + 1].clone().requires_grad_(True)
                model(x)[0, predicted].backward()
                case["predicted"] = predicted
                case["probabilities"] = rounded(torch.softmax(last, 0).tolist())
                case["saliency"] = rounded(x.grad[0].flatten().tolist())
            cases.append(case)
        with open(os.path.join(args.out, name + ".json"), "w") as f:
            json.dump({"generator": "scripts/make_inspect_fixtures.py, PyTorch " + torch.__version__,
                       "layers": text, "images": cases}, f, separators=(",", ":"))
        print(name, os.path.getsize(os.path.join(args.out, name + ".json")), "bytes of JSON")


if __name__ == "__main__":
    main()
