#!/usr/bin/env python3
"""Writes the example datasets the projects in projects/ train on.

machines.csv: sensor readings of 2,000 machines with their status (ok,
warning, failure); numeric and categorical columns, a few missing values.
shapes/: 32x32 PNG images of circles, squares and triangles in random
colours, sizes and places, one subfolder per class (300 each).

Standard library only; the same files every run (fixed seeds). Existing
files are left alone unless --force is given.
"""
import argparse
import math
import os
import random
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write_machines(path):
    rng = random.Random(7)
    kinds = ["pump", "fan", "compressor"]
    lines = ["temperature,vibration,pressure,hours,machine_type,shift,status"]
    for _ in range(2000):
        kind = rng.choice(kinds)
        hours = rng.uniform(0, 20000)
        wear = hours / 20000 + (0.25 if kind == "compressor" else 0.0)
        temperature = rng.gauss(60 + 25 * wear, 6)
        vibration = rng.gauss(2 + 4 * wear * wear, 0.6)
        pressure = rng.gauss(5 - (1.5 * wear if kind == "pump" else 0.3 * wear), 0.4)
        risk = (temperature - 70) / 10 + (vibration - 3.5) / 1.2 + (4.6 - pressure) / 0.8
        status = "failure" if risk > 2.2 else "warning" if risk > 0.4 else "ok"
        cells = ["%.1f" % temperature, "%.2f" % vibration, "%.2f" % pressure, "%.0f" % hours,
                 kind, rng.choice(["day", "night"]), status]
        if rng.random() < 0.02:
            cells[rng.randrange(3)] = "NA"  # a sensor that did not report
        lines.append(",".join(cells))
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


def png(pixels, size):
    """Encodes rows of (r, g, b) tuples as an 8-bit RGB PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(c for pixel in row for c in pixel) for row in pixels)
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def inside(shape, x, y, cx, cy, r):
    if shape == "circle":
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    if shape == "square":
        return abs(x - cx) <= r * 0.85 and abs(y - cy) <= r * 0.85
    # An upright triangle: below the apex, inside both slanted sides.
    top, bottom = cy - r, cy + r * 0.8
    if y < top or y > bottom:
        return False
    half = (y - top) / (bottom - top) * r
    return abs(x - cx) <= half


def write_shapes(folder, per_class=300, size=32):
    rng = random.Random(11)
    for shape in ["circle", "square", "triangle"]:
        os.makedirs(os.path.join(folder, shape), exist_ok=True)
        for i in range(per_class):
            background = tuple(rng.randrange(0, 90) for _ in range(3))
            colour = tuple(rng.randrange(120, 256) for _ in range(3))
            r = rng.uniform(6, 12)
            cx, cy = rng.uniform(r, size - r), rng.uniform(r, size - r)
            pixels = [[colour if inside(shape, x + 0.5, y + 0.5, cx, cy, r) else background
                       for x in range(size)] for y in range(size)]
            with open(os.path.join(folder, shape, "%s-%03d.png" % (shape, i)), "wb") as out:
                out.write(png(pixels, size))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = parser.parse_args()
    machines = os.path.join(HERE, "machines.csv")
    if args.force or not os.path.exists(machines):
        write_machines(machines)
    shapes = os.path.join(HERE, "shapes")
    if args.force or not os.path.isdir(shapes):
        write_shapes(shapes)


if __name__ == "__main__":
    main()
