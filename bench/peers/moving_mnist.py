"""Moving (Fashion-)MNIST clips per Srivastava et al. 2015, written as uint8 .npy (N, 20, 64, 64).

The standard generator: a 64x64 canvas, two 28x28 digits, start position uniform on the 36x36 free
area, direction uniform on the circle, a fixed step of 0.1 of the free area per frame, a bounce negates
the velocity component at a wall, digits combined by pixel-wise max, 20 frames (10 in, 10 out).
Digits come from MNIST-format IDX files (plain or .gz), so Debian's Fashion-MNIST
(/usr/share/datasets/fashion-mnist) gives Moving Fashion-MNIST the same way.

usage: moving_mnist.py IMAGES_IDX OUT.npy COUNT SEED
"""
import gzip
import sys

import numpy as np


def read_idx_images(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, n, h, w = np.frombuffer(data[:16], dtype=">u4")
    if magic != 2051:
        raise SystemExit(f"{path}: expected IDX image magic 2051, got {magic}")
    return np.frombuffer(data[16:], dtype=np.uint8).reshape(n, h, w)


def generate(digits, count, seed, frames=20, size=64, per_clip=2, step=0.1):
    rng = np.random.default_rng(seed)
    d = digits.shape[1]
    free = size - d
    clips = np.zeros((count, frames, size, size), dtype=np.uint8)
    for n in range(count):
        for _ in range(per_clip):
            digit = digits[rng.integers(len(digits))]
            y, x = rng.random(), rng.random()
            theta = rng.random() * 2 * np.pi
            vy, vx = np.sin(theta), np.cos(theta)
            for t in range(frames):
                top, left = int(round(free * y)), int(round(free * x))
                window = clips[n, t, top:top + d, left:left + d]
                np.maximum(window, digit, out=window)
                y, x = y + vy * step, x + vx * step
                if y < 0: y, vy = 0.0, -vy
                if y > 1: y, vy = 1.0, -vy
                if x < 0: x, vx = 0.0, -vx
                if x > 1: x, vx = 1.0, -vx
    return clips


if __name__ == "__main__":
    images, out, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    np.save(out, generate(read_idx_images(images), count, seed))
