#!/usr/bin/env python3
"""Trains the exported network again with the workbench's settings.

    python3 train.py [--epochs N] [--device cpu|cuda] [--from-weights]
    torchrun --nproc_per_node 2 train.py ...    (data-parallel, Gloo or NCCL)

It reads data.npz, the training data as the workbench prepared it (files
decoded, tables encoded), normalizes it with the exported statistics, splits
it with the project's fractions and trains with the project's optimizer,
loss, schedule, batch size and epochs (metadata.json, "training"). Weights go
to trained_weights.pt. The split is drawn with PyTorch's generator, so its
samples differ from the workbench's; augmentation is not applied."""

import argparse
import math
import os

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

import pipeline

HERE = pipeline.HERE


def load_data(metadata):
    arrays = np.load(os.path.join(HERE, "data.npz"))
    features = arrays["x"].astype(np.float32)
    if arrays["x"].dtype == np.uint8:
        features /= 255.0
    features = pipeline.normalize(features, metadata)
    x = torch.from_numpy(np.ascontiguousarray(features))
    x = x.long() if pipeline.token_ids(metadata) else x
    y = torch.from_numpy(arrays["y"]) if "y" in arrays else x.float()
    return x, y


def split(count, settings, seed):
    order = torch.randperm(count, generator=torch.Generator().manual_seed(seed))
    validation = round(settings.get("validation", 0.2) * count)
    test = round(settings.get("test", 0.0) * count)
    return order[validation + test:], order[:validation]


def make_optimizer(parameters, s):
    name, rate, decay = s["optimizer"], s["learning_rate"], s["weight_decay"]
    if name == "sgd":
        return torch.optim.SGD(parameters, rate, momentum=s["momentum"], nesterov=s["nesterov"], weight_decay=decay)
    if name == "adamw":
        return torch.optim.AdamW(parameters, rate, betas=(s["beta1"], s["beta2"]), weight_decay=decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(parameters, rate, weight_decay=decay)
    if name == "adagrad":
        return torch.optim.Adagrad(parameters, rate, weight_decay=decay)
    return torch.optim.Adam(parameters, rate, betas=(s["beta1"], s["beta2"]), weight_decay=decay)


def loss_function(s):
    weights = torch.tensor(s["class_weights"]) if s.get("class_weights") else None
    name = s["loss"]
    if name == "cross_entropy":
        return lambda out, y: F.cross_entropy(out, y, weight=weights, label_smoothing=s["label_smoothing"])
    if name == "nll":
        return lambda out, y: F.nll_loss(out, y, weight=weights)
    if name == "bce_with_logits":
        return lambda out, y: F.binary_cross_entropy_with_logits(out, y.reshape(out.shape).float())
    reduce = {"mse": F.mse_loss, "l1": F.l1_loss,
              "smooth_l1": lambda a, b: F.smooth_l1_loss(a, b, beta=s["loss_beta"]),
              "huber": lambda a, b: F.huber_loss(a, b, delta=s["loss_beta"])}[name]
    return lambda out, y: reduce(out, y.reshape(out.shape).float())


def rate_factor(s, epoch):
    """The schedule's learning rate for `epoch` (0-based) over the starting rate."""
    warmup = s["warmup_epochs"]
    if epoch < warmup:
        return (epoch + 1) / (warmup + 1)
    e, total, floor = epoch - warmup, max(1, s["epochs"] - warmup), s["min_learning_rate"] / s["learning_rate"]
    kind = s["schedule"]
    if kind == "step":
        return s["gamma"] ** (e // s["step_size"])
    if kind == "multistep":
        return s["gamma"] ** sum(e >= m for m in s["milestones"])
    if kind == "exponential":
        return s["gamma"] ** e
    if kind == "cosine":
        return floor + (1 - floor) * (1 + math.cos(math.pi * e / total)) / 2
    if kind == "onecycle":
        peak = 0.3 * total
        return (e + 1) / peak if e < peak else (1 + math.cos(math.pi * (e - peak) / (total - peak))) / 2
    return 1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, help="instead of the project's")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--from-weights", action="store_true", help="start from the exported weights")
    arguments = parser.parse_args()

    metadata = pipeline.load_metadata()
    settings = dict(metadata["training"])
    if arguments.epochs:
        settings["epochs"] = arguments.epochs
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    if distributed:
        dist.init_process_group("nccl" if arguments.device.startswith("cuda") else "gloo")
    rank = dist.get_rank() if distributed else 0
    world = dist.get_world_size() if distributed else 1
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if arguments.device == "cuda" and distributed
                          else arguments.device)
    torch.manual_seed(settings["seed"])

    x, y = load_data(metadata)
    train, validation = split(len(x), metadata["dataset"].get("split", {}), metadata["dataset"].get("split", {}).get("seed", 1))
    network = pipeline.load_model(metadata, device=device)
    if not arguments.from_weights:  # fresh weights, as a new run starts
        for module in network.modules():
            if module is not network and hasattr(module, "reset_parameters"):
                module.reset_parameters()
    model = torch.nn.parallel.DistributedDataParallel(network) if distributed else network
    optimizer = make_optimizer(model.parameters(), settings)
    criterion = loss_function(settings)
    classify = settings["loss"] in ("cross_entropy", "nll")
    batch = settings["batch_size"]

    for epoch in range(settings["epochs"]):
        for group in optimizer.param_groups:
            group["lr"] = settings["learning_rate"] * rate_factor(settings, epoch)
        model.train()
        order = train[torch.randperm(len(train), generator=torch.Generator().manual_seed(settings["seed"] + epoch))]
        share = len(order) // world  # equal shares: every worker takes as many steps
        mine = order[rank * share:(rank + 1) * share]
        total, seen = 0.0, 0
        for start in range(0, len(mine), batch):
            index = mine[start:start + batch]
            inputs, targets = x[index].to(device), y[index].to(device)
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()
            if settings["gradient_clipping"] == "norm":
                torch.nn.utils.clip_grad_norm_(model.parameters(), settings["clip_value"])
            elif settings["gradient_clipping"] == "value":
                torch.nn.utils.clip_grad_value_(model.parameters(), settings["clip_value"])
            optimizer.step()
            total += loss.item() * len(index)
            seen += len(index)
        line = f"epoch {epoch + 1}/{settings['epochs']}  train loss {total / max(seen, 1):.4f}"
        if len(validation) and rank == 0:
            model.eval()
            with torch.no_grad():
                outputs = network(x[validation].to(device))
                targets = y[validation].to(device)
                line += f"  validation loss {criterion(outputs, targets).item():.4f}"
                if classify:
                    accuracy = (outputs.argmax(1) == targets).float().mean().item()
                    line += f"  accuracy {100 * accuracy:.2f}%"
        if rank == 0:
            print(line, flush=True)
    if rank == 0:
        torch.save(network.state_dict(), os.path.join(HERE, "trained_weights.pt"))
        print("weights: " + os.path.join(HERE, "trained_weights.pt"))
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
