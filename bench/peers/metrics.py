"""Scores predictions the way OpenSTL reports Moving MNIST (10 -> 10), one implementation for both sides.

MSE and MAE: per frame, summed over pixels (values in [0, 1]), averaged over frames and clips.
PSNR: per frame from the pixel-mean squared error (peak 1), averaged. SSIM: scikit-image's
structural_similarity per frame (data_range 1), averaged.

usage: metrics.py TEST_CLIPS.npy PREDICTIONS.npy|copy-last [--whole]   -> one JSON line
--whole scores a reconstruction of all 20 frames (the VQ-VAE) instead of the 10 future frames.
"""
import json
import sys

import numpy as np
from skimage.metrics import structural_similarity


def score(truth, pred):
    """truth, pred: float (N, T, H, W) in [0, 1]."""
    err = pred.astype(np.float64) - truth
    mse_pixel = (err ** 2).mean(axis=(2, 3))  # (N, T)
    psnr = 10 * np.log10(1.0 / np.maximum(mse_pixel, 1e-10))
    ssim = np.mean([structural_similarity(truth[n, t], pred[n, t].astype(np.float64), data_range=1.0)
                    for n in range(truth.shape[0]) for t in range(truth.shape[1])])
    pixels = truth.shape[2] * truth.shape[3]
    return {"mse": float(mse_pixel.mean() * pixels), "mae": float(np.abs(err).mean() * pixels),
            "ssim": float(ssim), "psnr": float(psnr.mean()),
            "mse_by_frame": (mse_pixel.mean(axis=0) * pixels).round(3).tolist()}


if __name__ == "__main__":
    clips = np.load(sys.argv[1]).astype(np.float64) / 255
    truth = clips if "--whole" in sys.argv[3:] else clips[:, 10:20]
    if sys.argv[2] == "copy-last":
        pred = np.repeat(clips[:, 9:10], 10, axis=1)
    else:
        pred = np.load(sys.argv[2])
        if pred.shape != truth.shape:
            raise SystemExit(f"metrics: predictions {pred.shape} do not match the truth {truth.shape}")
    print(json.dumps(score(truth, pred)))
