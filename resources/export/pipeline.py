"""The data pipeline this model was trained with, as metadata.json records it:
how files become samples (table columns, vocabulary, image size), the
normalization fitted on the training data, and the model with its weights."""

import csv
import sys
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp")


def load_metadata():
    with open(os.path.join(HERE, "metadata.json")) as file:
        return json.load(file)


def load_model(metadata, weights=None, device="cpu"):
    """The exported network with its trained weights (or `weights`, a state_dict file)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("model", os.path.join(HERE, "model.py"))
    code = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(code)
    network = getattr(code, metadata["files"]["class"])()
    path = weights or os.path.join(HERE, metadata["files"]["weights"])
    network.load_state_dict(torch.load(path, map_location=device))
    return network.to(device)


def input_shape(metadata):
    return list(metadata["input"]["shape"])


def token_ids(metadata):
    return metadata["input"]["dtype"] == "int64"


def normalize(features, metadata):
    """x' = (x - offset) * scale with the statistics fitted on the training data."""
    stats = metadata["preprocessing"]["normalization"]
    if token_ids(metadata) or "offset" not in stats:
        return features
    offset = np.asarray(stats["offset"], dtype=np.float32).reshape(stats["shape"])
    scale = np.asarray(stats["scale"], dtype=np.float32).reshape(stats["shape"])
    return (features - offset) * scale


def _encode_row(row, features, where):
    """One CSV row as the training rows were encoded, column by column."""
    if len(features) == 1 and features[0]["kind"] == "text":
        text = features[0]
        ids = {token: index + 2 for index, token in enumerate(text["vocabulary"])}
        cell = row.get(text["column"], "") or ""
        if text.get("tokens") == "char":
            tokens = list(cell.lower())
        else:
            tokens, word = [], ""
            for char in cell.lower() + " ":
                if char.isalnum() or ord(char) >= 0x80:
                    word += char
                elif word:
                    tokens.append(word)
                    word = ""
        length = text["sequenceLength"]
        encoded = [ids.get(token, text["unknown"]) for token in tokens[:length]]
        return encoded + [text["padding"]] * (length - len(encoded))
    values = []
    for feature in features:
        name = feature["column"]
        if name not in row:
            raise ValueError(f"{where}: no column '{name}', which the model reads")
        cell = (row[name] or "").strip()
        if cell in ("", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"):
            if "imputed" not in feature:
                raise ValueError(f"{where}: column '{name}' is empty, and the model was trained "
                                 "without filling in missing values")
            cell = str(feature["imputed"])
        if feature["kind"] == "numeric":
            values.append(float(cell))
            continue
        levels = feature["levels"]
        if cell not in levels:
            raise ValueError(f"{where}: column '{name}' holds '{cell}', which training never saw")
        if feature.get("encoding") == "one_hot":
            values.extend(1.0 if level == cell else 0.0 for level in levels)
        else:
            values.append(float(levels.index(cell)))
    return values


def read_table(path, metadata):
    features = metadata["preprocessing"]["encoding"].get("features")
    if not isinstance(features, list) or not features or "column" not in features[0]:
        raise ValueError(f"{path}: the model was not trained on table columns")
    with open(path, newline="", encoding="utf-8-sig") as file:
        sample = file.read(4096)
        file.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        names, rows = [], []
        for number, row in enumerate(csv.DictReader(file, dialect=dialect), start=1):
            where = f"{os.path.basename(path)} row {number}"
            try:
                rows.append(_encode_row(row, features, where))
                names.append(where)
            except ValueError as error:
                print(f"skipped {error}", file=sys.stderr)
    return names, np.asarray(rows, dtype=np.float32).reshape([-1] + input_shape(metadata))


def read_image(path, metadata):
    try:
        from PIL import Image
    except ImportError as error:
        raise ValueError(f"{path}: reading images needs Pillow (python3-pil)") from error
    channels, height, width = input_shape(metadata)
    image = Image.open(path).convert("L" if channels == 1 else "RGB").resize((width, height), Image.BILINEAR)
    pixels = np.asarray(image, dtype=np.float32).reshape(height, width, channels).transpose(2, 0, 1) / 255.0
    return [os.path.basename(path)], pixels[None]


def read_array(path, metadata):
    array = np.load(path)
    shape = input_shape(metadata)
    if list(array.shape) == shape:
        array = array[None]
    if list(array.shape[1:]) != shape:
        raise ValueError(f"{path}: the array is {list(array.shape)}; the model reads {shape} samples")
    # Images and IDX say so at the top of their encoding, NPY arrays under "features".
    encoding = metadata["preprocessing"]["encoding"]
    features = encoding.get("features", {})
    bytes_read_as_fractions = "byte / 255" in (encoding.get("scale"), isinstance(features, dict) and features.get("scale"))
    if array.dtype == np.uint8 and bytes_read_as_fractions:
        array = array / 255.0
    name = os.path.basename(path)
    return [f"{name} [{i}]" for i in range(len(array))], array.astype(np.float32)


def read_inputs(paths, metadata):
    """Samples from CSV/TSV rows, images or NPY arrays, normalized, as one batch."""
    names, parts = [], []
    for path in paths:
        extension = os.path.splitext(path)[1].lower()
        if extension in (".csv", ".tsv", ".txt"):
            part_names, part = read_table(path, metadata)
        elif extension in IMAGE_EXTENSIONS:
            part_names, part = read_image(path, metadata)
        elif extension == ".npy":
            part_names, part = read_array(path, metadata)
        else:
            raise ValueError(f"{path}: give CSV/TSV rows, PNG/JPEG/BMP images or NPY arrays")
        names += part_names
        parts.append(part)
    features = normalize(np.concatenate(parts), metadata)
    tensor = torch.from_numpy(np.ascontiguousarray(features))
    return names, tensor.long() if token_ids(metadata) else tensor.float()
