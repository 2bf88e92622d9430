#!/usr/bin/python3
"""Train the small digits CNN and write the committed artefacts under models/digits/.

NOT part of the build or of the test suite: it is run by hand, once, and its outputs
(models/digits/*) are committed. The C++ side only reads those files.

How to run (from the repository root; Debian's own Python, not a pyenv/venv one):

    apt-get install -y python3-numpy python3-sklearn python3-onnx
    /usr/bin/python3 tools/train_digits.py            # writes models/digits/*
    /usr/bin/python3 tools/train_digits.py --out DIR  # somewhere else

Debian packages needed: python3-numpy (training, .npy files), python3-sklearn (the data set,
which it ships as sklearn/datasets/data/digits.csv.gz, and the stratified split),
python3-onnx (model building and onnx.checker). Written against Debian 12: numpy 1.24,
scikit-learn 1.2, onnx 1.12. No PyTorch: the network is trained in plain NumPy (convolutions
by im2col, hand-written backward pass, Adam).

What it does:
  * loads the 1797 8x8 hand-written digits (10 classes) with sklearn.datasets.load_digits;
    pixel values are integers 0..16 and are normalized to [0, 1] by dividing by 16
    (so every input is an exact multiple of 1/16 in float32); layout NCHW [N, 1, 8, 8];
  * stratified 80/20 train/test split with a fixed seed (1437 train, 360 test);
  * trains the CNN below with a fixed seed; hyper-parameters are fixed in this file and
    were not tuned on the test split;
  * exports it as ONNX (opset 13, IR version 7) with the onnx.helper API, runs
    onnx.checker.check_model, and checks that an independent, loop-based NumPy forward
    pass over the ONNX graph and its initializers reproduces the training code's logits;
  * writes models/digits/{digits_cnn.onnx, test_x.npy, test_y.npy, calib_x.npy, metrics.json}.

Architecture (input "input" float32 [N, 1, 8, 8], N symbolic; output "logits" [N, 10]):
    Conv 3x3 pad 1, 1->8 ch, bias + Relu             -> [N, 8, 8, 8]
    Conv 3x3 stride 2 pad 1, 8->16 ch, bias + Relu   -> [N, 16, 4, 4]
    Conv 3x3 pad 1, 16->16 ch, bias + Relu           -> [N, 16, 4, 4]
    MaxPool 2x2 stride 2                             -> [N, 16, 2, 2]
    Flatten (axis 1)                                 -> [N, 64]
    Gemm (transB=1, W [10, 64], bias [10])           -> [N, 10] logits (no Softmax)
4218 parameters (float32), about 17 KB of ONNX. The widths were chosen on a validation
split carved out of the training split (8/16/16 channels beat 16/32/32 and two-conv
variants there), never on the test split.

Run-to-run reproducibility: seeds are fixed and BLAS is pinned to one thread, so a rerun on
the same machine gives the same weights; another NumPy/BLAS build may differ in the last
bits of floating point and so end up with slightly different weights and accuracy.
"""

import os

# Before NumPy is imported: a single BLAS thread keeps the float summation order fixed.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402

SEED = 20240607
TEST_FRACTION = 0.2
CALIB_SAMPLES = 64
EPOCHS = 60
BATCH = 32
LR = 2e-3
WEIGHT_DECAY = 1e-4  # L2 on weights (not biases): keeps the weight range int8-friendly
OPSET = 13
IR_VERSION = 7  # accepted by Debian 12's onnx 1.12 (max IR 8) and by the systole importer

# (name, out_channels, stride) of the 3x3 pad-1 convolutions, each followed by Relu.
CONVS = [("conv1", 8, 1), ("conv2", 16, 2), ("conv3", 16, 1)]
POOL = 2  # MaxPool kernel = stride after the last conv
NUM_CLASSES = 10


# ----------------------------------------------------------------------------- data

def load_data(seed):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.images.astype(np.float32) / np.float32(16.0)).reshape(-1, 1, 8, 8)
    y = d.target.astype(np.int64)
    assert x.shape == (1797, 1, 8, 8) and x.min() == 0.0 and x.max() == 1.0
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=TEST_FRACTION, random_state=seed, stratify=y)
    return (np.ascontiguousarray(x_tr), y_tr), (np.ascontiguousarray(x_te), y_te)


# ----------------------------------------------------------------------------- layers

def im2col(x, k, stride, pad):
    """x [N,C,H,W] -> cols [N*Ho*Wo, C*k*k] (column order c, ki, kj = weight layout)."""
    n, c, h, w = x.shape
    ho = (h + 2 * pad - k) // stride + 1
    wo = (w + 2 * pad - k) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((n, c, k, k, ho, wo), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j] = xp[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(n * ho * wo, c * k * k), ho, wo


def col2im(dcols, xshape, k, stride, pad, ho, wo):
    n, c, h, w = xshape
    d = dcols.reshape(n, ho, wo, c, k, k).transpose(0, 3, 4, 5, 1, 2)
    dxp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=dcols.dtype)
    for i in range(k):
        for j in range(k):
            dxp[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride] += d[:, :, i, j]
    return dxp[:, :, pad:pad + h, pad:pad + w]


def conv_fwd(x, w, b, stride, pad):
    o, _, k, _ = w.shape
    cols, ho, wo = im2col(x, k, stride, pad)
    y = cols @ w.reshape(o, -1).T + b
    return y.reshape(x.shape[0], ho, wo, o).transpose(0, 3, 1, 2), (cols, x.shape, ho, wo)


def conv_bwd(dy, w, cache, stride, pad):
    cols, xshape, ho, wo = cache
    o, _, k, _ = w.shape
    d2 = dy.transpose(0, 2, 3, 1).reshape(-1, o)
    dw = (d2.T @ cols).reshape(w.shape)
    db = d2.sum(axis=0)
    dx = col2im(d2 @ w.reshape(o, -1), xshape, k, stride, pad, ho, wo)
    return dx, dw, db


def maxpool_fwd(x, p):
    """Non-overlapping p x p max pooling; returns the output and each window's argmax."""
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // p, p, w // p, p).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // p, w // p, p * p)
    arg = win.argmax(axis=-1)
    return np.take_along_axis(win, arg[..., None], axis=-1)[..., 0], arg


def maxpool_bwd(dy, arg, xshape, p):
    n, c, h, w = xshape
    d = np.zeros(dy.shape + (p * p,), dtype=dy.dtype)
    np.put_along_axis(d, arg[..., None], dy[..., None], axis=-1)
    return d.reshape(n, c, h // p, w // p, p, p).transpose(0, 1, 2, 4, 3, 5).reshape(xshape)


# ----------------------------------------------------------------------------- model

def init_params(rng):
    params = {}
    cin = 1
    for name, cout, _ in CONVS:
        fan_in = cin * 9
        params[name + ".weight"] = (rng.standard_normal((cout, cin, 3, 3)) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        params[name + ".bias"] = np.zeros(cout, np.float32)
        cin = cout
    feat = cin * flat_hw() ** 2
    params["fc.weight"] = (rng.standard_normal((NUM_CLASSES, feat)) * np.sqrt(1.0 / feat)).astype(np.float32)
    params["fc.bias"] = np.zeros(NUM_CLASSES, np.float32)
    return params


def flat_hw():
    h = 8
    for _, _, s in CONVS:
        h = (h + 2 - 3) // s + 1
    return h // POOL


def forward(params, x, keep=False):
    caches = []
    h = x
    for name, _, stride in CONVS:
        z, cache = conv_fwd(h, params[name + ".weight"], params[name + ".bias"], stride, 1)
        h = np.maximum(z, 0)
        caches.append((cache, z > 0))
    pre_pool_shape = h.shape
    h, pool_mask = maxpool_fwd(h, POOL)
    flat = h.reshape(h.shape[0], -1)
    logits = flat @ params["fc.weight"].T + params["fc.bias"]
    if keep:
        return logits, (caches, pre_pool_shape, pool_mask, h.shape, flat)
    return logits


def loss_and_grads(params, x, y):
    logits, (caches, pre_pool_shape, pool_mask, pooled_shape, flat) = forward(params, x, keep=True)
    n = x.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    loss = float(-np.log(p[np.arange(n), y] + 1e-12).mean())
    dlogits = p
    dlogits[np.arange(n), y] -= 1
    dlogits /= n
    g = {"fc.weight": dlogits.T @ flat, "fc.bias": dlogits.sum(axis=0)}
    dh = (dlogits @ params["fc.weight"]).reshape(pooled_shape)
    dh = maxpool_bwd(dh, pool_mask, pre_pool_shape, POOL)
    for (name, _, stride), (cache, relu_mask) in zip(reversed(CONVS), reversed(caches)):
        dz = dh * relu_mask
        dh, g[name + ".weight"], g[name + ".bias"] = conv_bwd(dz, params[name + ".weight"], cache, stride, 1)
    return loss, g


def train(params, x, y, rng, log):
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    b1, b2, eps = 0.9, 0.999, 1e-8
    n = x.shape[0]
    steps_per_epoch = (n + BATCH - 1) // BATCH
    total = EPOCHS * steps_per_epoch
    t = 0
    for epoch in range(EPOCHS):
        order = rng.permutation(n)
        losses = []
        for s in range(steps_per_epoch):
            idx = order[s * BATCH:(s + 1) * BATCH]
            loss, g = loss_and_grads(params, x[idx], y[idx])
            losses.append(loss)
            t += 1
            lr = LR * 0.5 * (1 + np.cos(np.pi * (t - 1) / total))  # cosine decay to 0
            for k in params:
                gk = g[k].astype(np.float32)
                if k.endswith(".weight"):
                    gk = gk + WEIGHT_DECAY * params[k]
                m[k] = b1 * m[k] + (1 - b1) * gk
                v[k] = b2 * v[k] + (1 - b2) * gk * gk
                mh = m[k] / (1 - b1 ** t)
                vh = v[k] / (1 - b2 ** t)
                params[k] = (params[k] - lr * mh / (np.sqrt(vh) + eps)).astype(np.float32)
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            acc = float((forward(params, x).argmax(1) == y).mean())
            log(f"epoch {epoch + 1:3d}  loss {np.mean(losses):.4f}  train acc {acc:.4f}")
    return params


# ----------------------------------------------------------------------------- ONNX

def build_onnx(params):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes = []
    inits = [numpy_helper.from_array(np.ascontiguousarray(v, dtype=np.float32), k) for k, v in params.items()]
    cur = "input"
    for name, _, stride in CONVS:
        nodes.append(helper.make_node("Conv", [cur, name + ".weight", name + ".bias"], [name + ".out"], name=name,
                                      kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[stride, stride]))
        nodes.append(helper.make_node("Relu", [name + ".out"], [name + ".relu"], name=name + ".relu"))
        cur = name + ".relu"
    nodes.append(helper.make_node("MaxPool", [cur], ["pool.out"], name="pool",
                                  kernel_shape=[POOL, POOL], strides=[POOL, POOL]))
    nodes.append(helper.make_node("Flatten", ["pool.out"], ["flat"], name="flatten", axis=1))
    nodes.append(helper.make_node("Gemm", ["flat", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1))
    graph = helper.make_graph(
        nodes, "digits_cnn",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", NUM_CLASSES])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="systole tools/train_digits.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    model.doc_string = ("8x8 hand-written digits (scikit-learn load_digits), input pixels / 16 in [0,1], "
                        "NCHW [N,1,8,8] float32; output 10 logits (argmax = digit)")
    onnx.checker.check_model(model)
    return model


def reference_forward(model, x):
    """Independent forward pass: walks the ONNX graph, reads its initializers, and computes
    every op with plain loops (no im2col, no code shared with the training path)."""
    from onnx import numpy_helper

    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    env[model.graph.input[0].name] = x.astype(np.float64)
    for node in model.graph.node:
        a = {at.name: (list(at.ints) if at.ints else at.i) for at in node.attribute}
        ins = [env[i] for i in node.input]
        if node.op_type == "Conv":
            xx, w, b = ins
            k = a["kernel_shape"][0]
            s = a.get("strides", [1, 1])[0]
            p = a.get("pads", [0, 0, 0, 0])[0]
            n, c, h, wd = xx.shape
            ho, wo = (h + 2 * p - k) // s + 1, (wd + 2 * p - k) // s + 1
            out = np.zeros((n, w.shape[0], ho, wo))
            for oy in range(ho):
                for ox in range(wo):
                    for ky in range(k):
                        for kx in range(k):
                            iy, ix = oy * s + ky - p, ox * s + kx - p
                            if 0 <= iy < h and 0 <= ix < wd:
                                out[:, :, oy, ox] += xx[:, :, iy, ix] @ w[:, :, ky, kx].T
            r = out + b[None, :, None, None]
        elif node.op_type == "Relu":
            r = np.maximum(ins[0], 0)
        elif node.op_type == "MaxPool":
            k, s = a["kernel_shape"][0], a["strides"][0]
            xx = ins[0]
            n, c, h, wd = xx.shape
            ho, wo = (h - k) // s + 1, (wd - k) // s + 1
            r = np.full((n, c, ho, wo), -np.inf)
            for oy in range(ho):
                for ox in range(wo):
                    for ky in range(k):
                        for kx in range(k):
                            r[:, :, oy, ox] = np.maximum(r[:, :, oy, ox], xx[:, :, oy * s + ky, ox * s + kx])
        elif node.op_type == "Flatten":
            r = ins[0].reshape(ins[0].shape[0], -1)
        elif node.op_type == "Gemm":
            assert a.get("transB") == 1 and "transA" not in a and "alpha" not in a and "beta" not in a
            r = np.einsum("nf,of->no", ins[0], ins[1]) + ins[2]
        else:
            raise RuntimeError(f"reference_forward: unexpected op {node.op_type}")
        env[node.output[0]] = r
    return env[model.graph.output[0].name]


# ----------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "digits"),
                    help="output directory (default: models/digits of this repository)")
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    os.makedirs(out, exist_ok=True)
    log = lambda s: print(s, flush=True)  # noqa: E731

    import onnx
    import sklearn

    (x_tr, y_tr), (x_te, y_te) = load_data(SEED)
    log(f"train {x_tr.shape[0]}  test {x_te.shape[0]}  (numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
        f"onnx {onnx.__version__})")
    rng = np.random.default_rng(SEED)
    params = init_params(rng)
    params = train(params, x_tr, y_tr, rng, log)

    logits = forward(params, x_te)
    pred = logits.argmax(1)
    correct = int((pred == y_te).sum())
    acc = correct / len(y_te)
    log(f"float test accuracy {acc:.4f} ({correct}/{len(y_te)})")

    model = build_onnx(params)
    ref = reference_forward(model, x_te)
    max_diff = float(np.abs(ref - logits).max())
    ref_pred = ref.argmax(1)
    log(f"ONNX reference forward: max |logit diff| {max_diff:.2e}, argmax agreement {(ref_pred == pred).mean():.4f}")
    if max_diff > 1e-4 or not np.array_equal(ref_pred, pred):
        sys.exit("ONNX export does not reproduce the trained model")
    srt = np.sort(ref, axis=1)
    margin = srt[:, -1] - srt[:, -2]

    calib_idx = np.sort(np.random.default_rng(SEED + 1).choice(x_tr.shape[0], CALIB_SAMPLES, replace=False))
    calib = x_tr[calib_idx]

    onnx_path = os.path.join(out, "digits_cnn.onnx")
    onnx.save(model, onnx_path)
    np.save(os.path.join(out, "test_x.npy"), x_te.astype(np.float32))
    np.save(os.path.join(out, "test_y.npy"), y_te.astype(np.int64))
    np.save(os.path.join(out, "calib_x.npy"), calib.astype(np.float32))
    with open(onnx_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()

    arch = []
    cin, hw = 1, 8
    for name, cout, s in CONVS:
        hw = (hw + 2 - 3) // s + 1
        arch.append(f"Conv 3x3 stride {s} pad 1 {cin}->{cout} + Relu -> [N,{cout},{hw},{hw}]")
        cin = cout
    hw //= POOL
    arch.append(f"MaxPool {POOL}x{POOL} stride {POOL} -> [N,{cin},{hw},{hw}]")
    arch.append(f"Flatten -> [N,{cin * hw * hw}]")
    arch.append(f"Gemm transB=1 {cin * hw * hw}->{NUM_CLASSES} -> [N,{NUM_CLASSES}] logits")
    metrics = {
        "dataset": "scikit-learn load_digits (8x8 hand-written digits, 10 classes; copy of the UCI ML "
                   "hand-written digits test set), from Debian's python3-sklearn",
        "normalization": "pixel / 16 -> [0, 1], float32, NCHW [N, 1, 8, 8]",
        "seed": SEED,
        "split": {"method": "sklearn.model_selection.train_test_split, stratified", "test_fraction": TEST_FRACTION,
                  "total": int(x_tr.shape[0] + x_te.shape[0]), "train": int(x_tr.shape[0]),
                  "test": int(x_te.shape[0]), "calibration": CALIB_SAMPLES,
                  "calibration_from": "train split (random subset, seed + 1)"},
        "float_test_accuracy": round(acc, 6),
        "float_test_correct": correct,
        "float_test_count": int(len(y_te)),
        "float_test_min_top2_margin": round(float(margin.min()), 6),
        "float_test_errors": [{"index": int(i), "label": int(y_te[i]), "predicted": int(pred[i])}
                              for i in np.flatnonzero(pred != y_te)],
        "onnx_reference_max_abs_logit_diff": max_diff,
        "architecture": arch,
        "parameters": int(sum(v.size for v in params.values())),
        "weight_abs_max": {k: round(float(np.abs(v).max()), 6) for k, v in params.items()},
        "onnx": {"file": "digits_cnn.onnx", "sha256": digest, "opset": OPSET, "ir_version": IR_VERSION,
                 "input": "input float32 [N,1,8,8]", "output": "logits float32 [N,10]"},
        "training": {"framework": "NumPy (im2col conv, hand-written backward)", "optimizer": "Adam",
                     "lr": LR, "schedule": "cosine to 0", "epochs": EPOCHS, "batch": BATCH,
                     "weight_decay": WEIGHT_DECAY, "loss": "softmax cross-entropy"},
        "versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__, "onnx": onnx.__version__},
    }
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    log(f"wrote {out}/: digits_cnn.onnx ({os.path.getsize(onnx_path)} bytes), test_x.npy, test_y.npy, "
        f"calib_x.npy, metrics.json")


if __name__ == "__main__":
    main()
