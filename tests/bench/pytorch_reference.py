#!/usr/bin/python3
"""PyTorch-in-Python reference for the training speed of `lepton train`.

Builds a .lepton project's network with torch.nn and trains it on the same data the way
Lepton's C++ engine does (core/train/trainer.cpp): seeded validation hold-out, a shuffle
per epoch, mini-batches picked by index from whole-set tensors, Adam or SGD, cross-entropy,
train() for training and eval() + no_grad for validation and test. samples/s counts
training batches only; seconds is the whole run, data loading included. Synthetic data
has the C++ generator's distribution and size, not its numbers. Like the engine, torch
keeps its default thread count unless --threads is given. --device cuda puts the whole
data set on the GPU and turns on cuDNN autotuning; --amp adds autocast and gradient
scaling. Loss and accuracy add up on the device, read once an epoch. Run it next to the
C++ CLI:

    build/app/lepton train projects/fashion-mnist-cnn.lepton --json
    /usr/bin/python3 tests/bench/pytorch_reference.py projects/fashion-mnist-cnn.lepton --json

--json puts progress on stderr and one JSON object on stdout with the CLI's keys
(epochs, train_loss, ..., samples_per_second, seconds) plus "threads".
"""

import argparse
import gzip
import json
import math
import os
import sys
import time
from graphlib import CycleError, TopologicalSorter

import numpy as np
import torch
from torch import nn

SUMMARY_KEYS = ["epochs", "train_loss", "train_accuracy", "validation_loss",
                "validation_accuracy", "test_loss", "test_accuracy", "samples_per_second",
                "seconds", "threads"]


class Add(nn.Module):
    def forward(self, *xs):
        return sum(xs[1:], xs[0])


class Concat(nn.Module):
    def __init__(self, sample_dim):
        super().__init__()
        self.dim = sample_dim + 1 if sample_dim >= 0 else sample_dim  # skip the batch dim

    def forward(self, *xs):
        return torch.cat(xs, self.dim)


def make_layer(kind, p, x):
    """The module for one node; the example input x fixes sizes given as 0 (inferred)."""
    kernel = p.get("kernel_size", 2)
    pool = lambda cls: cls(kernel, p.get("stride", 0) or kernel, p.get("padding", 0))
    norm = lambda cls: cls(x.shape[1], eps=p.get("eps", 1e-5), momentum=p.get("momentum", 0.1))
    builders = {
        "Output": nn.Identity,
        "Linear": lambda: nn.Linear(p.get("in_features", 0) or x.shape[-1],
                                    p.get("out_features", 64), bias=p.get("bias", True)),
        "Conv2d": lambda: nn.Conv2d(p.get("in_channels", 0) or x.shape[1],
                                    p.get("out_channels", 16), p.get("kernel_size", 3),
                                    stride=p.get("stride", 1), padding=p.get("padding", 0),
                                    bias=p.get("bias", True)),
        "MaxPool2d": lambda: pool(nn.MaxPool2d),
        "AvgPool2d": lambda: pool(nn.AvgPool2d),
        "BatchNorm1d": lambda: norm(nn.BatchNorm1d),
        "BatchNorm2d": lambda: norm(nn.BatchNorm2d),
        "Dropout": lambda: nn.Dropout(p.get("p", 0.5)),
        "Flatten": nn.Flatten, "ReLU": nn.ReLU, "Sigmoid": nn.Sigmoid, "Tanh": nn.Tanh,
        "GELU": nn.GELU, "Add": Add,
        "GlobalAvgPool2d": lambda: nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()), "Concat": lambda: Concat(p.get("dim", 0)),
    }
    if kind not in builders:
        supported = ", ".join(["Input", *builders])
        raise SystemExit(f"unsupported layer type '{kind}' (supported: {supported})")
    return builders[kind]()


class GraphModel(nn.Module):
    """Runs the project's graph node by node in topological order."""

    def __init__(self, graph):
        super().__init__()
        nodes = {n["id"]: n for n in graph["nodes"]}
        source = {(e["to"]["node"], e["to"]["port"]): e["from"]["node"] for e in graph["edges"]}
        inputs = [nid for nid, n in nodes.items() if n["type"] == "Input"]
        outputs = [nid for nid, n in nodes.items() if n["type"] == "Output"]
        if len(inputs) != 1 or len(outputs) != 1:
            raise SystemExit("the graph needs exactly one Input and one Output node")
        self.input_id, self.output_id = inputs[0], outputs[0]
        self.layers = nn.ModuleDict()
        self.steps = []  # (node id, its input node ids by port)
        examples = {}  # a batch of 2 through each node, to infer sizes
        inputs_of = {nid: [] for nid in nodes}
        for (to, _), frm in source.items():
            inputs_of[to].append(frm)
        try:
            order = list(TopologicalSorter(inputs_of).static_order())
        except CycleError as error:
            raise SystemExit(f"the graph has a cycle through nodes {error.args[1]}")
        for nid in order:
            node, params = nodes[nid], nodes[nid].get("params", {})
            if node["type"] == "Input":
                examples[nid] = torch.zeros(2, *params["shape"])
                continue
            ports = params.get("inputs", 2) if node["type"] in ("Add", "Concat") else 1
            if any((nid, port) not in source for port in range(ports)):
                raise SystemExit(f"{node['type']} '{node['name']}' has an unconnected input")
            sources = [source[(nid, port)] for port in range(ports)]
            layer = make_layer(node["type"], params, examples[sources[0]])
            with torch.no_grad():
                examples[nid] = layer.eval()(*[examples[s] for s in sources])
            self.layers[str(nid)] = layer
            self.steps.append((nid, sources))
        self.train()

    def forward(self, x):
        values = {self.input_id: x}
        for nid, sources in self.steps:
            values[nid] = self.layers[str(nid)](*[values[s] for s in sources])
        return values[self.output_id]


def read_idx(path):
    """An unsigned-byte IDX file, plain or gzip, as a numpy array."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:3] != b"\0\0\x08":
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(raw[3])]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def load_idx(images_path, labels_path):
    images = read_idx(images_path)[:, None].astype(np.float32) / 255.0  # [N, 1, H, W]
    return torch.from_numpy(images), torch.from_numpy(read_idx(labels_path).astype(np.int64))


def make_spiral(samples, classes, noise, rng):
    """Sample i lies on arm i % classes; its radius t grows as the arm turns 1.5 times."""
    arm = np.arange(samples) % classes
    t = rng.uniform(0.0, 1.0, samples)
    angle = 2 * math.pi * arm / classes + t * 3 * math.pi
    points = t[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1)
    points += noise * rng.standard_normal((samples, 2))
    return torch.from_numpy(points.astype(np.float32)), torch.from_numpy(arm)


def load_dataset(dataset, base_dir):
    """The (features, labels) pair for training, and the test pair or None."""
    spec = dict(dataset.get("params", {}), source=dataset["source"])
    if spec["source"] == "idx":
        path = lambda key: os.path.join(base_dir, spec[key])  # relative to the project
        train = load_idx(path("train_images"), path("train_labels"))
        if not spec.get("test_images"):
            return train, None
        return train, load_idx(path("test_images"), path("test_labels"))
    if spec["source"] == "synthetic" and spec.get("generator") == "spiral":
        seed, classes, noise = spec.get("seed", 1), spec.get("classes", 3), spec.get("noise", 0)
        train = make_spiral(spec["samples"], classes, noise, np.random.default_rng(seed))
        if spec.get("test_samples", 0) <= 0:
            return train, None
        # Like the C++ generator, test samples come from an unrelated random stream.
        test_rng = np.random.default_rng([seed, 1])
        return train, make_spiral(spec["test_samples"], classes, noise, test_rng)
    raise SystemExit(f"unsupported dataset: source '{spec['source']}', generator "
                     f"'{spec.get('generator')}' (supported: idx, synthetic spiral)")


def batch_ranges(samples, batch_size):
    ranges = [(b, min(samples, b + batch_size)) for b in range(0, samples, batch_size)]
    if len(ranges) > 1 and ranges[-1][1] - ranges[-1][0] == 1:
        ranges[-2:] = [(ranges[-2][0], samples)]
    return ranges


def evaluate(model, x, y, batch_size, amp):
    """Mean cross-entropy and accuracy over a whole set, in eval mode."""
    model.eval()
    loss_sum, correct = torch.zeros((), device=y.device), torch.zeros((), device=y.device)
    with torch.no_grad(), torch.autocast(y.device.type, enabled=amp):
        for begin, end in batch_ranges(len(y), batch_size):
            output = model(x[begin:end])
            loss_sum += nn.functional.cross_entropy(output, y[begin:end]).float() * (end - begin)
            correct += output.argmax(1).eq(y[begin:end]).sum()
    return loss_sum.item() / len(y), correct.item() / len(y)


def train_epoch(model, optimizer, scaler, x, y, shuffle, batch_size):
    """One pass over (x, y) in the order `shuffle`; returns mean loss and accuracy."""
    model.train()
    loss_sum, correct = torch.zeros((), device=y.device), torch.zeros((), device=y.device)
    for begin, end in batch_ranges(len(y), batch_size):
        index = shuffle[begin:end]
        batch_x, batch_y = x.index_select(0, index), y.index_select(0, index)
        optimizer.zero_grad()
        with torch.autocast(y.device.type, enabled=scaler.is_enabled()):
            output = model(batch_x)
            loss = nn.functional.cross_entropy(output, batch_y)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        loss_sum += loss.detach().float() * (end - begin)
        correct += output.argmax(1).eq(batch_y).sum()
    mean_loss = loss_sum.item() / len(y)
    if not math.isfinite(mean_loss):
        raise SystemExit(f"loss became {mean_loss}; try a lower learning rate")
    return mean_loss, correct.item() / len(y)


def train(project, base_dir, epochs, device, amp, log):
    """Trains the project's model; returns the summary (all SUMMARY_KEYS but threads)."""
    start = time.perf_counter()
    cfg = project["training"]
    if cfg.get("loss", "cross_entropy") != "cross_entropy":
        raise SystemExit(f"unsupported loss '{cfg['loss']}' (supported: cross_entropy)")
    (x, y), test = load_dataset(project["dataset"], base_dir)
    torch.manual_seed(cfg["seed"])  # before the model, so the seed fixes the initial weights
    generator = torch.Generator().manual_seed(cfg["seed"])  # for the shuffles
    model = GraphModel(project["graph"]).to(device)
    torch.backends.cudnn.benchmark = device.type == "cuda"
    scaler = torch.cuda.amp.GradScaler(enabled=amp)  # the spelling 1.13 and 2.x share
    rate, decay = cfg["learning_rate"], cfg["weight_decay"]
    optimizer = (torch.optim.SGD(model.parameters(), rate, cfg["momentum"], weight_decay=decay)
                 if cfg["optimizer"] == "sgd"
                 else torch.optim.Adam(model.parameters(), rate, weight_decay=decay))

    split = project["dataset"].get("split", {}).get("validation", 0.2)
    held = max(math.floor(split * len(y) + 0.5), 1) if split > 0 else 0  # like llround
    order = torch.randperm(len(y), generator=generator)
    train_x, train_y = x[order[held:]].to(device), y[order[held:]].to(device)
    validation = (x[order[:held]].to(device), y[order[:held]].to(device)) if held else None
    if test:
        test = (test[0].to(device), test[1].to(device))
    log(f"training on {device} ({torch.get_num_threads()} threads): {len(train_y)} samples, "
        f"{held} for validation" + (f", {len(test[1])} for test" if test else ""))

    summary = dict.fromkeys(SUMMARY_KEYS)
    summary["epochs"] = 0
    training_seconds = 0.0
    for epoch in range(1, epochs + 1):
        shuffle = torch.randperm(len(train_y), generator=generator).to(device)
        epoch_start = time.perf_counter()
        loss, accuracy = train_epoch(model, optimizer, scaler, train_x, train_y, shuffle,
                                     cfg["batch_size"])
        epoch_seconds = time.perf_counter() - epoch_start
        training_seconds += epoch_seconds
        summary.update(epochs=epoch, train_loss=loss, train_accuracy=accuracy)
        line = (f"epoch {epoch}/{epochs}  loss {summary['train_loss']:.4f}"
                f"  acc {100 * summary['train_accuracy']:.2f}%")
        if validation:
            val_loss, val_accuracy = evaluate(model, *validation, max(cfg["batch_size"], 256), amp)
            summary.update(validation_loss=val_loss, validation_accuracy=val_accuracy)
            line += f"  val_loss {val_loss:.4f}  val_acc {100 * val_accuracy:.2f}%"
        log(f"{line}  {len(train_y) / epoch_seconds:.0f} samples/s"
            f"  {time.perf_counter() - start:.1f} s")

    if test:
        test_loss, test_accuracy = evaluate(model, *test, max(cfg["batch_size"], 256), amp)
        summary.update(test_loss=test_loss, test_accuracy=test_accuracy)
    trained = summary["epochs"] * len(train_y)
    summary["samples_per_second"] = trained / training_seconds if training_seconds else 0.0
    summary["seconds"] = time.perf_counter() - start
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", help="a .lepton project file")
    parser.add_argument("--epochs", type=int, help="train this many epochs, not the project's")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads(N) (default: leave)")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda or cuda:N")
    parser.add_argument("--amp", action="store_true", help="mixed precision (CUDA only)")
    parser.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    args = parser.parse_args()

    if args.threads:
        torch.set_num_threads(args.threads)
    with open(args.project) as f:
        project = json.load(f)
    epochs = project["training"]["epochs"] if args.epochs is None else args.epochs
    progress = sys.stderr if args.json else sys.stdout
    log = lambda message: print(message, file=progress, flush=True)
    device = torch.device(args.device)
    if args.amp and device.type != "cuda":
        raise SystemExit("--amp needs a CUDA device")
    summary = train(project, os.path.dirname(os.path.abspath(args.project)), epochs, device,
                    args.amp, log)
    summary["threads"] = torch.get_num_threads()

    if args.json:
        print(json.dumps(summary, indent=2))
        return
    test = summary["test_accuracy"]
    print(f"finished: {summary['epochs']} epochs in {summary['seconds']:.1f} s, "
          f"{summary['samples_per_second']:.0f} samples/s, {summary['threads']} threads"
          + (f", test accuracy {100 * test:.2f}%" if test is not None else ""))


if __name__ == "__main__":
    main()
