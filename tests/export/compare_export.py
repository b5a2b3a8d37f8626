#!/usr/bin/env python3
"""Checks one `lepton export` folder with PyTorch alone: the TorchScript file,
the Python package (model.py with weights.pt) and the separate state_dict
must agree on a random batch shaped as the metadata says, and the ONNX file
must pass the ONNX checker.

Usage: compare_export.py FOLDER STEM [REFERENCE.torchscript.pt]. Prints one
JSON object: the largest differences from the TorchScript output (and from
the reference's, when given) and what the metadata says."""

import importlib.util
import json
import os
import sys

import onnx
import torch


def main(folder, stem, reference=None):
    with open(os.path.join(folder, stem + ".metadata.json")) as file:
        metadata = json.load(file)
    package = os.path.join(folder, metadata["files"]["pytorch"])
    with open(os.path.join(package, "metadata.json")) as file:
        package_metadata = json.load(file)
    spec = importlib.util.spec_from_file_location("exported", os.path.join(package, "model.py"))
    code = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(code)

    def network(weights):
        module = getattr(code, package_metadata["files"]["class"])()
        module.load_state_dict(torch.load(weights), strict=True)
        return module.eval()

    scripted = torch.jit.load(os.path.join(folder, metadata["files"]["torchscript"])).eval()
    torch.manual_seed(0)
    batch = torch.randn([5] + metadata["input"]["shape"])
    with torch.no_grad():
        expected = scripted(batch)
        package_output = network(os.path.join(package, "weights.pt"))(batch)
        weights_output = network(os.path.join(folder, metadata["files"]["weights"]))(batch)
    reference_difference = None
    if reference:
        with torch.no_grad():
            reference_difference = float((torch.jit.load(reference).eval()(batch) - expected).abs().max())
    onnx.checker.check_model(onnx.load(os.path.join(folder, metadata["files"]["onnx"])), full_check=True)
    json.dump({
        "package_difference": float((package_output - expected).abs().max()),
        "weights_difference": float((weights_output - expected).abs().max()),
        "output_shape": list(expected.shape[1:]),
        "class_names": metadata["class_names"],
        "normalization": metadata["preprocessing"]["normalization"]["normalize"],
        "epochs_done": metadata["checkpoint"]["epochs_done"],
        "has_validation_loss": "validation_loss" in metadata["checkpoint"]["metrics"],
        "weights_dtype": str(next(iter(torch.load(os.path.join(folder, metadata["files"]["weights"])).values())).dtype),
        "precision": metadata["precision"],
        "run_id": metadata["run"].get("id"),
        "reference_difference": reference_difference,
    }, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
