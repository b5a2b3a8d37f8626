#!/usr/bin/env python3
"""Predicts with the exported model, making samples the way it was trained.

    python3 predict.py FILE... [--top K]

FILE: CSV/TSV (one sample per row), PNG/JPEG/BMP images or NPY arrays."""

import argparse

import torch

import pipeline


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--top", type=int, default=3, help="classes to show per sample")
    arguments = parser.parse_args()

    metadata = pipeline.load_metadata()
    network = pipeline.load_model(metadata).eval()
    names, batch = pipeline.read_inputs(arguments.files, metadata)
    with torch.no_grad():
        outputs = network(batch).reshape(len(names), -1)
    classes = metadata.get("class_names") or []
    if metadata.get("task") == "classification":
        probabilities = torch.softmax(outputs, dim=1)
        top = probabilities.topk(min(arguments.top, probabilities.shape[1]), dim=1)
        for name, values, indices in zip(names, top.values, top.indices):
            guesses = ", ".join(f"{classes[i] if i < len(classes) else i} {100 * p:.1f}%"
                                for p, i in zip(values.tolist(), indices.tolist()))
            print(f"{name}  {guesses}")
    else:
        for name, values in zip(names, outputs.tolist()):
            print(f"{name}  {' '.join(f'{v:.6g}' for v in values)}")


if __name__ == "__main__":
    main()
