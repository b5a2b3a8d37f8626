#!/usr/bin/env python3
"""Loads every export under a folder the way users would, with PyTorch alone,
and compares its outputs with the workbench's.

Each case folder holds model.torchscript.pt, the package's model.py and
weights.pt, model.onnx unless the network has no ONNX form, case.json
({"class": ...}) and probe.pt ({"input", "expected"}). The ONNX file must pass
onnx.checker with full shape inference (run_opencv_dnn runs it in a second
runtime). Prints one JSON object: case -> {"torchscript": max |difference|,
"pytorch": ..., "onnx_checker": "ok"} or "<check>_error": message."""

import importlib.util
import json
import os
import sys

import onnx
import torch


def largest_difference(module, probe):
    module.eval()
    with torch.no_grad():
        return float((module(probe["input"]) - probe["expected"]).abs().max())


def load_package(folder, class_name):
    spec = importlib.util.spec_from_file_location("export_" + os.path.basename(folder),
                                                  os.path.join(folder, "model.py"))
    code = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(code)
    network = getattr(code, class_name)()
    network.load_state_dict(torch.load(os.path.join(folder, "weights.pt")), strict=True)
    return network


def check_onnx(path):
    onnx.checker.check_model(onnx.load(path), full_check=True)
    return "ok"


def main(root):
    results = {}
    for case in sorted(os.listdir(root)):
        folder = os.path.join(root, case)
        with open(os.path.join(folder, "case.json")) as file:
            meta = json.load(file)
        probe = torch.load(os.path.join(folder, "probe.pt"))
        result = {}
        loaders = {
            "torchscript": lambda: torch.jit.load(os.path.join(folder, "model.torchscript.pt")),
            "pytorch": lambda: load_package(folder, meta["class"]),
        }
        checks = {name: (lambda load=load: largest_difference(load(), probe)) for name, load in loaders.items()}
        onnx_path = os.path.join(folder, "model.onnx")
        if os.path.exists(onnx_path):
            checks["onnx_checker"] = lambda: check_onnx(onnx_path)
        for name, check in checks.items():
            try:
                result[name] = check()
            except Exception as error:  # reported per case, the others go on
                result[name + "_error"] = f"{type(error).__name__}: {error}".strip()
        results[case] = result
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
