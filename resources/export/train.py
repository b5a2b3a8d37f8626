#!/usr/bin/env python3
"""Trains the exported network again with the workbench's settings.

    python3 train.py [--epochs N] [--device cpu|cuda] [--from-weights]
    torchrun --nproc_per_node 2 train.py ...    (data-parallel, Gloo or NCCL)

It reads data.npz, the training data as the workbench prepared it (files
decoded, tables encoded), splits it with the project's fractions, augments
training batches of images as the project says (flips, padded crops,
rotation and translation, noise, erasing), normalizes them with the exported
statistics and trains with the project's optimizer, loss, schedule, clipping,
batch size and epochs (metadata.json, "training"). Weights go to
trained_weights.pt. The split and the augmentation are drawn with PyTorch's
generator, so their samples differ from the workbench's."""

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
    """Features as the network reads them before normalization (bytes scaled
    to [0, 1]), and what the loss compares with."""
    arrays = np.load(os.path.join(HERE, "data.npz"))
    features = arrays["x"].astype(np.float32)
    if arrays["x"].dtype == np.uint8:
        features /= 255.0
    x = torch.from_numpy(np.ascontiguousarray(features))
    x = x.long() if pipeline.token_ids(metadata) else x
    return x, torch.from_numpy(arrays["y"])


def normalizer(metadata):
    stats = metadata["preprocessing"]["normalization"]
    if pipeline.token_ids(metadata) or "offset" not in stats:
        return lambda batch: batch
    offset = torch.tensor(stats["offset"]).reshape(stats["shape"])
    scale = torch.tensor(stats["scale"]).reshape(stats["shape"])
    return lambda batch: (batch - offset.to(batch.device)) * scale.to(batch.device)


def augment(batch, a, generator):
    """The workbench's augmentation of images [B, C, H, W] in [0, 1]: geometry
    first (flips, padded crop, rotation and translation in one resampling),
    then noise and erasing."""
    images = batch.dim() == 4
    count = batch.shape[0]
    coin = lambda: (torch.rand(count, 1, 1, 1, generator=generator) < 0.5).to(batch.device)
    if images and a.get("flip") in ("horizontal", "both"):
        batch = torch.where(coin(), batch.flip(3), batch)
    if images and a.get("flip") in ("vertical", "both"):
        batch = torch.where(coin(), batch.flip(2), batch)
    padding = a.get("crop_padding", 0)
    if images and padding > 0:
        height, width = batch.shape[2], batch.shape[3]
        padded = F.pad(batch, (padding,) * 4)
        offsets = torch.randint(0, 2 * padding + 1, (count, 2), generator=generator)
        batch = torch.stack([padded[i, :, top:top + height, left:left + width]
                             for i, (top, left) in enumerate(offsets.tolist())])
    degrees, shift = a.get("rotation", 0.0), a.get("translation", 0.0)
    if images and (degrees > 0 or shift > 0):
        draw = lambda limit: (torch.rand(count, generator=generator) * 2 - 1) * limit
        angle = draw(degrees) * math.pi / 180
        cos, sin, dx, dy = torch.cos(angle), torch.sin(angle), draw(shift) * 2, draw(shift) * 2
        theta = torch.stack([torch.stack([cos, -sin, dx], 1), torch.stack([sin, cos, dy], 1)], 1)
        grid = F.affine_grid(theta.to(batch.device), list(batch.shape), align_corners=False)
        batch = F.grid_sample(batch, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if a.get("noise", 0.0) > 0:
        batch = batch + torch.randn(batch.shape, generator=generator).to(batch.device) * a["noise"]
    if images and a.get("erasing", 0.0) > 0:
        batch = batch.clone()
        height, width = batch.shape[2], batch.shape[3]
        for i, (chance, size, ratio, top, left) in enumerate(torch.rand(count, 5, generator=generator).tolist()):
            if chance >= a["erasing"]:
                continue
            area = (0.02 + size * 0.31) * height * width
            aspect = math.exp(math.log(1 / 3) + ratio * math.log(9))
            h = min(max(round(math.sqrt(area * aspect)), 1), height)
            w = min(max(round(math.sqrt(area / aspect)), 1), width)
            top, left = round(top * (height - h)), round(left * (width - w))
            batch[i, :, top:top + h, left:left + w] = 0
    return batch


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
    normalize = normalizer(metadata)
    augmentation = metadata["dataset"].get("augmentation", {})
    augments = not pipeline.token_ids(metadata) and any(
        value not in (0, 0.0, "none") for value in augmentation.values())
    generator = torch.Generator().manual_seed(settings["seed"])
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
            inputs = augment(x[index], augmentation, generator) if augments else x[index]
            inputs, targets = normalize(inputs.to(device)), y[index].to(device)
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
                outputs = network(normalize(x[validation].to(device)))
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
