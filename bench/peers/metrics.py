"""Scores predictions the way OpenSTL's openstl/core/metrics.py does (Moving MNIST, 10 -> 10), one script for both sides.

MSE and MAE: per frame, summed over pixels, averaged over frames and clips, on the raw predictions (values outside
[0, 1] included). Then the predictions are clipped to [0, 1] for PSNR (per frame, 20 log10(1 / sqrt(mse)) on the
float32 pixel mean) and SSIM (scikit-image's structural_similarity on each float32 frame with its axes 0 and 2
swapped, multichannel, everything else default: a 7x7 uniform window, sample covariance, data range 2), averaged.
These are the numbers VideoLab's FrameMetrics.All computes (tests/VideoLab.Tests/Metrics/OpenStlMetricsTests.cs).

usage: metrics.py TEST_CLIPS.npy PREDICTIONS.npy|copy-last|all-black [--whole]   -> one JSON line
--whole scores a reconstruction of all 20 frames (the VQ-VAE) instead of the 10 future frames.
"""
import json
import sys
import warnings

import numpy as np
from skimage.metrics import structural_similarity

warnings.simplefilter("ignore", FutureWarning)  # multichannel= is deprecated in scikit-image 0.19; OpenSTL passes it


def score(truth, pred):
    """truth, pred: float32 (N, T, H, W); truth in [0, 1]."""
    truth, pred = truth[:, :, None].astype(np.float32), pred[:, :, None].astype(np.float32)  # (N, T, 1, H, W)
    err = pred - truth
    mse_frame = (err.astype(np.float64) ** 2).sum(axis=(2, 3, 4))  # (N, T)
    mae_frame = np.abs(err.astype(np.float64)).sum(axis=(2, 3, 4))
    clipped = np.clip(pred, 0, 1)
    n, t = truth.shape[:2]
    psnr = np.empty((n, t))
    ssim = np.empty((n, t))
    for i in range(n):
        for f in range(t):
            m = np.mean((clipped[i, f] - truth[i, f]) ** 2)
            psnr[i, f] = float("inf") if m == 0 else 20 * np.log10(1 / np.sqrt(m))
            ssim[i, f] = structural_similarity(clipped[i, f].swapaxes(0, 2), truth[i, f].swapaxes(0, 2), multichannel=True)
    return {"mse": float(mse_frame.mean()), "mae": float(mae_frame.mean()), "ssim": float(ssim.mean()),
            "psnr": float(psnr.mean()), "mse_by_frame": mse_frame.mean(axis=0).round(3).tolist()}


if __name__ == "__main__":
    clips = np.load(sys.argv[1]).astype(np.float32) / 255
    truth = clips if "--whole" in sys.argv[3:] else clips[:, 10:20]
    if sys.argv[2] == "copy-last":
        pred = np.repeat(clips[:, 9:10], 10, axis=1)
    elif sys.argv[2] == "all-black":
        pred = np.zeros_like(truth)
    else:
        pred = np.load(sys.argv[2])
        if pred.shape != truth.shape:
            raise SystemExit(f"metrics: predictions {pred.shape} do not match the truth {truth.shape}")
    print(json.dumps(score(truth, pred)))
