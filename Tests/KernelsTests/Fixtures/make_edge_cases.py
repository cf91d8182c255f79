"""Generates edge_ops.json: PyTorch's answers for conv2d, conv_transpose2d and max_pool2d on
shapes and parameters beyond ops.json (padding larger than the kernel, kernels that just fit,
dilation, output_padding below the dilation, ceil mode and its last-window rule, ties, odd
batches, unbatched C x H x W inputs), plus parameter sets PyTorch refuses.

Run with a PyTorch environment (see ../shared/bench/README.md):
    python make_edge_cases.py > edge_ops.json
Same schema as ops.json; "refused" lists cases PyTorch raises on, with its message.
"""
import json, random, sys
import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
rng = random.Random(2026)
gen = torch.Generator().manual_seed(2026)


def rand(*shape, ints=False):
    if ints:  # small integers: many exact ties for pooling
        return torch.randint(-2, 3, shape, generator=gen).float()
    # Three decimals: short JSON, and the same float32 values whoever parses it.
    return torch.round((torch.rand(*shape, generator=gen) * 4 - 2) * 1000) / 1000


def tolist32(t):
    """Nested lists of the shortest decimals that round-trip each float32."""
    def convert(v):
        return [convert(x) for x in v] if isinstance(v, list) else float(str(np.float32(v)))
    return convert(t.detach().tolist())


def pair(a, b):
    return [a, b]


pending = {}


def run(op, params, x, w=None, b=None):
    # What a refusal records: the case without expected values (grad_output is a placeholder).
    pending.clear()
    pending.update({"op": op, "params": params, "input": tolist32(x), "grad_output": [[[[0.0]]]]})
    if w is not None:
        pending.update({"weight": tolist32(w), "bias": None if b is None else tolist32(b)})
    x = x.clone().requires_grad_(True)
    if w is not None:
        w = w.clone().requires_grad_(True)
    if b is not None:
        b = b.clone().requires_grad_(True)
    unbatched = x.dim() == 3
    if op == "conv2d":
        y = F.conv2d(x, w, b, stride=params["stride"], padding=params["padding"], dilation=params["dilation"])
    elif op == "conv_transpose2d":
        y = F.conv_transpose2d(x, w, b, stride=params["stride"], padding=params["padding"],
                               output_padding=params["output_padding"], dilation=params["dilation"])
    else:
        y = F.max_pool2d(x, params["kernel_size"], params["stride"], params["padding"],
                         dilation=params.get("dilation", [1, 1]), ceil_mode=params["ceil_mode"])
    if y.numel() == 0:
        raise RuntimeError("empty output")
    gy = rand(*y.shape)
    y.backward(gy)
    case = {"op": op, "params": params, "input": tolist32(x),
            "grad_output": tolist32(gy),
            "expected": {"output": tolist32(y), "grad_input": tolist32(x.grad)}}
    if op != "max_pool2d":
        case["weight"] = tolist32(w)
        case["bias"] = None if b is None else tolist32(b)
        case["expected"]["grad_weight"] = tolist32(w.grad)
        case["expected"]["grad_bias"] = None if b is None else tolist32(b.grad)
    return case


def conv_case(transposed, n, cin, cout, h, w, kh, kw, stride, padding, dilation, output_padding=(0, 0), bias=True,
              unbatched=False):
    x = rand(cin, h, w) if unbatched else rand(n, cin, h, w)
    weight = rand(cin, cout, kh, kw) if transposed else rand(cout, cin, kh, kw)
    b = rand(cout) if bias else None
    params = {"stride": list(stride), "padding": list(padding), "dilation": list(dilation)}
    if transposed:
        params["output_padding"] = list(output_padding)
    return run("conv_transpose2d" if transposed else "conv2d", params, x, weight, b)


def pool_case(n, c, h, w, kernel, stride, padding, ceil, dilation=(1, 1), ints=True, unbatched=False):
    x = rand(c, h, w, ints=ints) if unbatched else rand(n, c, h, w, ints=ints)
    params = {"kernel_size": list(kernel), "stride": list(stride), "padding": list(padding), "ceil_mode": ceil}
    if dilation != (1, 1):
        params["dilation"] = list(dilation)
    return run("max_pool2d", params, x)


cases, refused = [], []


def attempt(name, make):
    try:
        case = make()
    except RuntimeError as error:
        refused.append({"name": name, "torch_error": str(error).split("\n")[0], **pending})
        return
    cases.append({"name": name, **case})



# Hand-picked edges.
attempt("conv-padding-beyond-kernel", lambda: conv_case(False, 2, 2, 3, 3, 2, 2, 2, (1, 1), (4, 3), (1, 1)))
attempt("conv-kernel-fills-padded-input", lambda: conv_case(False, 1, 3, 2, 3, 4, 5, 6, (1, 1), (1, 1), (1, 1)))
attempt("conv-dilated-kernel-fills", lambda: conv_case(False, 3, 1, 2, 5, 5, 3, 2, (2, 3), (0, 1), (2, 5)))
attempt("conv-stride-beyond-input", lambda: conv_case(False, 2, 2, 2, 4, 5, 2, 2, (7, 9), (1, 0), (1, 1)))
attempt("conv-1x1-strided", lambda: conv_case(False, 5, 4, 3, 7, 6, 1, 1, (2, 3), (0, 0), (1, 1), bias=False))
attempt("conv-unbatched", lambda: conv_case(False, 1, 2, 3, 5, 4, 2, 3, (1, 2), (1, 1), (1, 1), unbatched=True))
attempt("conv-wide-channels", lambda: conv_case(False, 2, 16, 12, 7, 7, 3, 3, (2, 2), (1, 1), (1, 1)))
attempt("convT-outpad-below-dilation", lambda: conv_case(True, 2, 2, 3, 3, 3, 2, 2, (1, 1), (0, 0), (3, 3), (2, 1)))
attempt("convT-padding-eats-border", lambda: conv_case(True, 1, 2, 2, 4, 4, 3, 3, (2, 2), (3, 2), (1, 1), (1, 0)))
attempt("convT-course-decoder", lambda: conv_case(True, 2, 32, 16, 4, 4, 4, 4, (2, 2), (1, 1), (1, 1)))
attempt("convT-unbatched", lambda: conv_case(True, 1, 3, 2, 3, 2, 2, 3, (3, 2), (0, 1), (1, 2), (1, 1), unbatched=True))
attempt("convT-1x1-input", lambda: conv_case(True, 3, 2, 3, 1, 1, 3, 2, (2, 2), (0, 0), (1, 1), (1, 1), bias=False))
attempt("pool-ceil-drops-last-window", lambda: pool_case(1, 2, 5, 5, (2, 2), (3, 3), (1, 1), True))
attempt("pool-ceil-overhang", lambda: pool_case(2, 1, 3, 3, (4, 4), (4, 4), (0, 0), True, ints=False))
attempt("pool-ceil-keeps-partial", lambda: pool_case(2, 3, 7, 6, (3, 2), (2, 4), (1, 0), True))
attempt("pool-all-ties", lambda: run("max_pool2d", {"kernel_size": [3, 3], "stride": [1, 2], "padding": [1, 1], "ceil_mode": False},
                                     torch.ones(2, 2, 4, 5)))
attempt("pool-negative-ties-with-padding", lambda: run("max_pool2d", {"kernel_size": [2, 2], "stride": [1, 1], "padding": [1, 1], "ceil_mode": True},
                                                        -torch.ones(1, 1, 3, 3)))
attempt("pool-dilated", lambda: pool_case(2, 2, 9, 8, (3, 2), (2, 1), (1, 1), False, dilation=(2, 3)))
attempt("pool-unbatched", lambda: pool_case(1, 3, 6, 7, (2, 3), (2, 2), (1, 1), True, unbatched=True))
attempt("pool-course-2x2", lambda: pool_case(3, 4, 28, 28, (2, 2), (2, 2), (0, 0), False))
attempt("pool-kernel-1-stride-3", lambda: pool_case(2, 2, 7, 8, (1, 1), (3, 3), (0, 0), True))

# Random sweeps.
for i in range(40):
    n, cin, cout = rng.randint(1, 4), rng.randint(1, 5), rng.randint(1, 5)
    h, w = rng.randint(1, 10), rng.randint(1, 10)
    kh, kw = rng.randint(1, 5), rng.randint(1, 5)
    s = (rng.randint(1, 4), rng.randint(1, 4)); p = (rng.randint(0, 5), rng.randint(0, 5)); d = (rng.randint(1, 3), rng.randint(1, 3))
    attempt(f"conv2d-sweep-{i}", lambda: conv_case(False, n, cin, cout, h, w, kh, kw, s, p, d, bias=rng.random() < 0.6))
for i in range(40):
    n, cin, cout = rng.randint(1, 4), rng.randint(1, 5), rng.randint(1, 5)
    h, w = rng.randint(1, 7), rng.randint(1, 7)
    kh, kw = rng.randint(1, 5), rng.randint(1, 5)
    s = (rng.randint(1, 4), rng.randint(1, 4)); p = (rng.randint(0, 4), rng.randint(0, 4)); d = (rng.randint(1, 3), rng.randint(1, 3))
    op = (rng.randint(0, max(s[0], d[0]) - 1), rng.randint(0, max(s[1], d[1]) - 1))
    attempt(f"conv_transpose2d-sweep-{i}", lambda: conv_case(True, n, cin, cout, h, w, kh, kw, s, p, d, op, bias=rng.random() < 0.6))
for i in range(40):
    n, c = rng.randint(1, 4), rng.randint(1, 4)
    h, w = rng.randint(1, 11), rng.randint(1, 11)
    k = (rng.randint(1, 5), rng.randint(1, 5)); s = (rng.randint(1, 4), rng.randint(1, 4))
    p = (rng.randint(0, k[0] // 2), rng.randint(0, k[1] // 2))
    d = (rng.randint(1, 2), rng.randint(1, 2)) if rng.random() < 0.3 else (1, 1)
    attempt(f"max_pool2d-sweep-{i}", lambda: pool_case(n, c, h, w, k, s, p, rng.random() < 0.5, dilation=d, ints=rng.random() < 0.7))

# Long sums (16 x 3 x 3 = 144 terms per output, 2 x 12 x 12 = 288 per weight gradient).
attempt("conv-long-sums", lambda: conv_case(False, 2, 16, 24, 12, 12, 3, 3, (1, 1), (1, 1), (1, 1)))
attempt("convT-long-sums", lambda: conv_case(True, 2, 24, 16, 6, 6, 4, 4, (2, 2), (1, 1), (1, 1)))

json.dump({"generated_by": f"PyTorch {torch.__version__} (torch.nn.functional), float32; make_edge_cases.py",
           "tolerance": {"abs": 1e-4, "rel": 1e-4}, "cases": cases, "refused": refused}, sys.stdout)
print(f"{len(cases)} cases, {len(refused)} refused", file=sys.stderr)
