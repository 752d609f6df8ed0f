"""PyTorch peer of bench/VideoLab.Bench: the same verbs and --key value options, one JSON line on stdout.

Run with Debian's Python (/usr/bin/python3, python3-torch 1.13) on the CPU; bench/driver.py interleaves it
with the C# worker. Verbs: train-speed, infer-speed, size, quality, check.
"""
import argparse
import json
import re
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import models


def options():
    p = argparse.ArgumentParser()
    p.add_argument("verb")
    p.add_argument("--model", required=True)
    for name, default in [("channels", 1), ("height", 64), ("width", 64), ("context", 10), ("horizon", 10),
                          ("layers", 4), ("hidden", 128), ("kernel", 5), ("patch", 4), ("batch", 16),
                          ("warmup", 2), ("steps", 5), ("threads", 2), ("seed", 0), ("every", 100)]:
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--temporal", type=int, default=512)
    p.add_argument("--spatial-layers", type=int, default=4)
    p.add_argument("--mlp-ratio", type=float, default=8.0)
    p.add_argument("--codes", type=int, default=512)
    p.add_argument("--heads", type=int, default=8)  # the video transformer's attention heads (VideoTransformerConfig: 8)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--cpu-seconds", type=float, default=60)
    p.add_argument("--train")
    p.add_argument("--test")
    p.add_argument("--out")
    p.add_argument("--device", default="cpu")
    return p.parse_args()


def random_batch(a, device):
    clip = torch.rand(a.batch, a.context + a.horizon, a.channels, a.height, a.width, device=device)
    return clip[:, :a.context], clip[:, a.context:]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def train_step(model, opt, context, future):
    """The step both sides run: forward 10 -> 10 without teacher forcing, MSE, backward, Adam.
    The VQ-VAE reconstructs the whole clip: reconstruction MSE + commitment (VqVaeMethod's loss)."""
    opt.zero_grad()
    if isinstance(model, models.VqVae):
        loss = model(torch.cat([context, future], 1))[1]
    else:
        loss = F.mse_loss(model(context), future)
    loss.backward()
    opt.step()
    return loss


def optimizer(model, lr):
    # VqVaeMethod uses AdamW (weight decay 0 here, as MethodSettings' default), the predictors Adam.
    kind = torch.optim.AdamW if isinstance(model, models.VqVae) else torch.optim.Adam
    return kind(model.parameters(), lr=lr, weight_decay=0) if kind is torch.optim.AdamW else kind(model.parameters(), lr=lr)


def train_speed(a, device):
    model = models.build(a).to(device).train()
    opt = optimizer(model, 1e-3)
    context, future = random_batch(a, device)
    for _ in range(a.warmup):
        train_step(model, opt, context, future)
    sync(device)
    seconds = []
    for _ in range(a.steps):
        start = time.perf_counter()
        train_step(model, opt, context, future)
        sync(device)
        seconds.append(time.perf_counter() - start)
    return {"params": models.parameters(model), "batch": a.batch, "seconds": seconds}


def infer_speed(a, device):
    model = models.build(a).to(device).eval()
    context, future = random_batch(a, device)
    if isinstance(model, models.VqVae):
        context = torch.cat([context, future], 1)
    seconds = []
    with torch.no_grad():
        for i in range(a.warmup + a.steps):
            start = time.perf_counter()
            model(context)
            sync(device)
            if i >= a.warmup:
                seconds.append(time.perf_counter() - start)
    return {"params": models.parameters(model), "batch": a.batch, "seconds": seconds}


def size(a, device):
    model = models.build(a)
    frames = a.context + (a.horizon if a.model == "vqvae" else 0)
    context = torch.rand(1, frames, a.channels, a.height, a.width)
    return {"params": models.parameters(model), "flops": models.count_flops(model, context)}


def read_clips(path):
    """uint8 (N, T, H, W) -> float32 (N, T, 1, H, W) in [0, 1], as the C# worker's Npy.ReadClips."""
    return torch.from_numpy(np.load(path)).unsqueeze(2).float().div_(255)


def quality(a, device):
    """Train until this process has used --cpu-seconds of CPU time, then write test predictions as .npy."""
    model = models.build(a).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    train, test = read_clips(a.train), read_clips(a.test)
    rng = np.random.default_rng(a.seed)
    tc, th = a.context, a.horizon
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    steps, last = 0, float("nan")
    model.train()
    while time.process_time() - cpu_start < a.cpu_seconds:
        clips = train[torch.from_numpy(rng.integers(0, train.shape[0], a.batch))]  # (B, 20, 1, H, W)
        last = train_step(model, opt, clips[:, :tc], clips[:, tc:tc + th]).item()
        steps += 1
    cpu_used, wall_used = time.process_time() - cpu_start, time.perf_counter() - wall_start
    model.eval()
    predictions = []
    with torch.no_grad():
        for i in range(0, test.shape[0], a.batch):
            predictions.append(model(test[i:i + a.batch, :tc]).clamp(0, 1).squeeze(2))  # (b, Th, H, W)
    np.save(a.out, torch.cat(predictions).numpy().astype(np.float32))
    return {"params": models.parameters(model), "steps": steps, "cpu_seconds": cpu_used,
            "wall_seconds": wall_used, "last_loss": last, "batch": a.batch}


def check(a, device):
    """Loads what the C# worker's `check` verb wrote under --out (its state dict, a context, its output) into the
    mirror by name (C# camelCase field -> snake_case attribute) and compares the mirror's output with the C# one."""
    folder = Path(a.out)
    model = models.build(a).eval()
    own = model.state_dict()
    state = {}
    for file in sorted((folder / "state").glob("*.npy")):
        # C# fields are camelCase, and an auto-property's field is "<Name>k__BackingField" (TorchSharp registers that):
        # blocks.0.<TimeAttention>k__BackingField.qkv.weight, blocks.0.timeNorm.weight -> time_attention, time_norm
        name = re.sub(r"<(\w+)>k__BackingField", r"\1", file.stem)
        name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
        if name not in own:
            raise SystemExit(f"peer check: C# tensor {file.stem} ({name}) has no counterpart in the mirror")
        state[name] = torch.from_numpy(np.load(file)).to(own[name].dtype)
    missing = sorted(set(own) - set(state))
    if missing:
        raise SystemExit(f"peer check: mirror tensors with no C# counterpart: {missing}")
    model.load_state_dict(state)
    context = torch.from_numpy(np.load(folder / "input.npy"))  # (B, Tc, C, H, W)
    expected = torch.from_numpy(np.load(folder / "output.npy"))  # (B, Th, C, H, W)
    with torch.no_grad():
        output = model(context)
    return {"params": models.parameters(model), "tensors": len(state), "shape": list(output.shape),
            "max_abs_diff": (output - expected).abs().max().item(), "max_abs_output": expected.abs().max().item()}


def main():
    a = options()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    verbs = {"train-speed": train_speed, "infer-speed": infer_speed, "size": size, "quality": quality, "check": check}
    result = verbs[a.verb](a, device)
    result.update(side="pytorch", verb=a.verb, threads=torch.get_num_threads(), torch=torch.__version__)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
