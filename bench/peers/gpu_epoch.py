"""Times one Moving MNIST training epoch-equivalent of the PyTorch peers on a GPU, to estimate the cost of
OpenSTL's 200-epoch setting: 10,000 training clips, batch 16 -> 625 steps per epoch, 10 -> 10, Adam, MSE,
no teacher forcing (the same step as the CPU benchmark). Data come from random tensors already on the GPU,
so the time is the model's alone (OpenSTL's loader adds little for 64x64 uint8 clips).

usage: gpu_epoch.py [MAX_SECONDS_PER_MODEL]   -> JSON lines, one per model
"""
import json
import sys
import time
from types import SimpleNamespace

import torch
import torch.nn.functional as F

import models

STEPS_PER_EPOCH = 10000 // 16
OPENSTL = {"convlstm": dict(layers=4, hidden=128, kernel=5, patch=4),   # configs/mmnist/ConvLSTM.py (ConvLSTM-S)
           "predrnn": dict(layers=4, hidden=128, kernel=5, patch=4)}    # configs/mmnist/PredRNN.py


def main():
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 90.0
    device = torch.device("cuda")
    torch.backends.cudnn.benchmark = True
    for name, size in OPENSTL.items():
        a = SimpleNamespace(model=name, channels=1, horizon=10, **size)
        model = models.build(a).to(device).train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        clips = torch.rand(16, 20, 1, 64, 64, device=device)
        def step():
            opt.zero_grad(set_to_none=True)
            F.mse_loss(model(clips[:, :10]), clips[:, 10:]).backward()
            opt.step()
        for _ in range(10):
            step()
        torch.cuda.synchronize()
        start, steps = time.perf_counter(), 0
        while steps < STEPS_PER_EPOCH and time.perf_counter() - start < limit:
            step()
            steps += 1
            if steps % 25 == 0:
                torch.cuda.synchronize()
        torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        epoch = seconds / steps * STEPS_PER_EPOCH
        print(json.dumps({"model": name, "params": models.parameters(model), "steps_timed": steps,
                          "seconds": seconds, "steps_per_s": steps / seconds, "epoch_seconds": epoch,
                          "hours_200_epochs": epoch * 200 / 3600, "gpu": torch.cuda.get_device_name(0),
                          "torch": torch.__version__, "batch": 16}), flush=True)


if __name__ == "__main__":
    main()
