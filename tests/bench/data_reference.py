#!/usr/bin/env python3
"""The same loads as bench_data, in Python: numpy and the csv module.

    build/bin/bench_data /tmp/lepton-bench      # writes bench.csv, bench.npy
    /usr/bin/python3 tests/bench/data_reference.py /tmp/lepton-bench
"""
import csv
import gzip
import os
import resource
import sys
import time

import numpy as np


def best(work, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def fashion():
    root = "/usr/share/datasets/fashion-mnist/"
    def read(name, offset):
        with gzip.open(root + name) as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)
    images = read("train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    labels = read("train-labels-idx1-ubyte.gz", 8)
    test = read("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    return images, labels, test


def main():
    folder = sys.argv[1]
    seconds = best(fashion, 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("Fashion-MNIST with numpy (float32 as torchvision does): %.0f ms, peak %.0f MB" % (seconds * 1000, peak))

    path = os.path.join(folder, "bench.csv")
    mb = os.path.getsize(path) / 1e6
    def with_csv():
        with open(path, newline="") as f:
            rows = csv.reader(f)
            next(rows)
            for row in rows:
                [float(x) for x in row]
    for name, work in [("csv module + float()", with_csv),
                       ("numpy.loadtxt", lambda: np.loadtxt(path, delimiter=",", skiprows=1))]:
        s = best(work, 1)
        print("CSV %.0f MB, %s: %.0f ms, %.0f MB/s" % (mb, name, s * 1000, mb / s))

    path = os.path.join(folder, "bench.npy")
    mb = os.path.getsize(path) / 1e6
    s = best(lambda: np.load(path))
    print("NPY %.0f MB, numpy.load: %.0f ms, %.0f MB/s" % (mb, s * 1000, mb / s))


if __name__ == "__main__":
    main()
