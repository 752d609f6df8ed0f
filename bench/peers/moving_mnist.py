"""Moving (Fashion-)MNIST clips per Srivastava et al. 2015, generated exactly as VideoLab's MovingMnist does.

The standard generator: a 64x64 canvas, two 28x28 digits, start position uniform on the 36x36 free area,
direction uniform on the circle, a fixed step of 0.1 of the free area per frame, a bounce clamps to the wall and
negates that velocity component, each frame drawn after its step (the reference script steps first), positions
truncated to pixels, digits combined by pixel-wise max, 20 frames (10 in, 10 out). Clip i is a pure function of
(seed, i): its random numbers come from SplitMix64 started at a hash of (seed, i), as src/VideoLab/Data/ClipRandom.cs,
so both sides of the benchmark train on the same endless stream of fresh clips (clip i = the same pixels in C# and
here) and never see a clip twice. Digits come from MNIST-format IDX files (plain or .gz), so Debian's Fashion-MNIST
(/usr/share/datasets/fashion-mnist) gives Moving Fashion-MNIST the same way.

usage: moving_mnist.py IMAGES_IDX OUT.npy COUNT SEED      -> uint8 (COUNT, 20, 64, 64): clips 0 .. COUNT-1
"""
import gzip
import math
import sys

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix(z):
    """SplitMix64's output function (ClipRandom.Mix)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class ClipRandom:
    """The random numbers of clip `index` of the dataset seeded with `seed` (ClipRandom.For)."""

    def __init__(self, seed, index):
        self.state = mix((mix((seed + GOLDEN) & MASK) + index) & MASK)

    def next_uint64(self):
        self.state = (self.state + GOLDEN) & MASK
        return mix(self.state)

    def next_double(self):
        return (self.next_uint64() >> 11) * (1.0 / (1 << 53))

    def next_int(self, count):
        """Uniform on 0 .. count-1 by multiply-and-reject, as ClipRandom.Next."""
        threshold = ((1 << 64) - count) % count
        while True:
            product = self.next_uint64() * count
            if product & MASK >= threshold:
                return product >> 64


def read_idx_images(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, n, h, w = np.frombuffer(data[:16], dtype=">u4")
    if magic != 2051:
        raise SystemExit(f"{path}: expected IDX image magic 2051, got {magic}")
    return np.frombuffer(data[16:], dtype=np.uint8).reshape(n, h, w)


def clip(digits, seed, index, frames=20, size=64, per_clip=2, step=0.1):
    """Clip `index`: uint8 (frames, size, size), as MovingMnist.Clip (which divides by 255)."""
    rng = ClipRandom(seed, index)
    dh, dw = digits.shape[1:]
    limit_x, limit_y = size - dw, size - dh
    out = np.zeros((frames, size, size), dtype=np.uint8)
    for _ in range(per_clip):
        y, x = rng.next_double(), rng.next_double()
        theta = rng.next_double() * 2 * math.pi
        vy, vx = math.sin(theta), math.cos(theta)
        digit = digits[rng.next_int(len(digits))]
        for t in range(frames):
            x += vx * step
            y += vy * step
            if x <= 0: x, vx = 0.0, -vx
            if x >= 1: x, vx = 1.0, -vx
            if y <= 0: y, vy = 0.0, -vy
            if y >= 1: y, vy = 1.0, -vy
            top, left = int(limit_y * y), int(limit_x * x)
            window = out[t, top:top + dh, left:left + dw]
            np.maximum(window, digit, out=window)
    return out


def clips(digits, seed, start, count):
    """Clips start .. start+count-1: uint8 (count, 20, 64, 64)."""
    return np.stack([clip(digits, seed, i) for i in range(start, start + count)])


if __name__ == "__main__":
    images, out, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    np.save(out, clips(read_idx_images(images), seed, 0, count))
