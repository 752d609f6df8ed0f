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
import mocogan
import moving_mnist


def options():
    p = argparse.ArgumentParser()
    p.add_argument("verb")
    p.add_argument("--model", default="")  # every verb but op-speed builds one
    for name, default in [("channels", 1), ("height", 64), ("width", 64), ("context", 10), ("horizon", 10),
                          ("layers", 4), ("hidden", 128), ("kernel", 5), ("patch", 4), ("batch", 16),
                          ("warmup", 2), ("steps", 5), ("threads", 2), ("seed", 0), ("every", 100)]:
        p.add_argument("--" + name, type=int, default=default)
    for name, default in [("cin", 32), ("cout", 128), ("size", 16), ("frames", 8), ("backward", 1), ("groups", 1),
                          ("dilation", 1)]:  # op-speed
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--op", default="conv2d")
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--temporal", type=int, default=512)
    p.add_argument("--spatial-layers", type=int, default=4)
    p.add_argument("--mlp-ratio", type=float, default=8.0)
    p.add_argument("--codes", type=int, default=512)
    for name, default in [("content-dim", 50), ("motion-dim", 10), ("noise-dim", 10)]:  # MoCoGAN's z_C, z_M, noise sizes
        p.add_argument("--" + name, type=int, default=default)
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
        clip = context if future is None else torch.cat([context, future], 1)
        loss = model(clip)[1]
    else:
        loss = F.mse_loss(model(context), future)
    loss.backward()
    opt.step()
    return loss


def optimizer(model, lr):
    # VqVaeMethod uses AdamW (weight decay 0 here, as MethodSettings' default), the predictors Adam.
    kind = torch.optim.AdamW if isinstance(model, models.VqVae) else torch.optim.Adam
    return kind(model.parameters(), lr=lr, weight_decay=0) if kind is torch.optim.AdamW else kind(model.parameters(), lr=lr)


def gan_train_speed(a, device):
    """MoCoGAN: one GanMethod step (D update, then G update) on a random real batch of context + horizon frames."""
    gan = models.build(a).to(device).train()
    opts = mocogan.optimizers(gan, 1e-3)
    real = torch.rand(a.batch, a.context + a.horizon, a.channels, a.height, a.width, device=device)  # (B, T, C, H, W)
    for _ in range(a.warmup):
        mocogan.train_step(gan, opts, real)
    sync(device)
    seconds = []
    for _ in range(a.steps):
        start = time.perf_counter()
        mocogan.train_step(gan, opts, real)
        sync(device)
        seconds.append(time.perf_counter() - start)
    return {"params": models.parameters(gan), "batch": a.batch, "seconds": seconds}


def gan_infer_speed(a, device):
    """MoCoGAN: sampling a batch of clips (context + horizon frames) with the generator in eval mode, no gradient."""
    gan = models.build(a).to(device).eval()
    seconds = []
    for i in range(a.warmup + a.steps):
        start = time.perf_counter()
        gan.sample(a.batch)
        sync(device)
        if i >= a.warmup:
            seconds.append(time.perf_counter() - start)
    return {"params": models.parameters(gan), "batch": a.batch, "seconds": seconds}


def train_speed(a, device):
    if a.model == "mocogan":
        return gan_train_speed(a, device)
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
    if a.model == "mocogan":
        return gan_infer_speed(a, device)
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
    if a.model == "mocogan":  # params: G + D_I + D_V; FLOPs: one generator forward (hooks), per clip
        return {"params": models.parameters(model), "flops": mocogan.generator_flops(model.generator, model.frames)}
    frames = a.context + (a.horizon if a.model == "vqvae" else 0)
    context = torch.rand(1, frames, a.channels, a.height, a.width)
    return {"params": models.parameters(model), "flops": models.count_flops(model, context)}


def read_clips(path):
    """uint8 (N, T, H, W) -> float32 (N, T, 1, H, W) in [0, 1], as the C# worker's Npy.ReadClips."""
    return torch.from_numpy(np.load(path)).unsqueeze(2).float().div_(255)


# Models that make a prediction after every frame they read: their loss covers all Tc - 1 + horizon next-frame
# outputs (OpenSTL's recurrent methods; VideoLab's INextFramePredictor under PredictionLoss.AllNextFrames).
STEPWISE = ("convlstm", "convgru", "predrnn", "transformer")


def quality(a, device):
    """Train until this process has used --cpu-seconds of CPU time on training steps, then write its outputs on the test
    clips as .npy: a predictor's raw future frames (metrics.py clips them, as OpenSTL), or the VQ-VAE's reconstruction
    of the whole clip (plus the test set's codebook perplexity and codes in use), as the C# worker's Quality().
    The protocol is OpenSTL's, as VideoLab's PredictionMethod: every step draws fresh clips (clips s*B .. s*B+B-1 of
    the endless stream moving_mnist.py generates from --train's digits and --seed, the same pixels as the C# worker's
    MovingMnist), the loss covers every next-frame output of the stepwise models, no teacher forcing. The CPU time
    spent generating clips is not counted in the budget."""
    torch.manual_seed(a.seed)
    model = models.build(a).to(device)
    vq = isinstance(model, models.VqVae)
    opt = optimizer(model, a.lr)
    digits = moving_mnist.read_idx_images(a.train)
    test = read_clips(a.test)
    tc, th = a.context, a.horizon
    stepwise = a.model in STEPWISE
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    data_cpu, steps, last = 0.0, 0, float("nan")
    model.train()
    while time.process_time() - cpu_start - data_cpu < a.cpu_seconds:
        data_start = time.process_time()
        clips = torch.from_numpy(moving_mnist.clips(digits, a.seed, steps * a.batch, a.batch)).unsqueeze(2).float().div_(255)
        data_cpu += time.process_time() - data_start  # (B, 20, 1, H, W)
        opt.zero_grad()
        if vq:
            loss = model(clips)[1]
        elif stepwise:
            loss = F.mse_loss(model(clips[:, :tc], with_context=True), clips[:, 1:tc + th])
        else:
            loss = F.mse_loss(model(clips[:, :tc]), clips[:, tc:tc + th])
        loss.backward()
        opt.step()
        last = loss.item()
        steps += 1
    cpu_used, wall_used = time.process_time() - cpu_start - data_cpu, time.perf_counter() - wall_start
    model.eval()
    outputs, codes = [], []
    with torch.no_grad():
        for i in range(0, test.shape[0], a.batch):
            clips = test[i:i + a.batch]  # (b, 20, 1, H, W)
            if vq:
                reconstruction, code_grid, _ = model.reconstruct(clips)
                outputs.append(reconstruction.squeeze(2))  # (b, 20, H, W)
                codes.append(code_grid)  # (b, t, h, w)
            else:
                outputs.append(model(clips[:, :tc]).squeeze(2))  # (b, Th, H, W), raw
    np.save(a.out, torch.cat(outputs).numpy().astype(np.float32))
    result = {"params": models.parameters(model), "steps": steps, "cpu_seconds": cpu_used,
              "wall_seconds": wall_used, "last_loss": last, "batch": a.batch, "seed": a.seed}
    if vq:
        # Perplexity of the code histogram over the whole test set: exp(entropy), the codes in effective use.
        histogram = torch.bincount(torch.cat(codes).flatten(), minlength=model.quantizer.k).double()
        p = histogram[histogram > 0] / histogram.sum()
        result.update(perplexity=float(torch.exp(-(p * p.log()).sum())), codes_used=int((histogram > 0).sum()),
                      codebook_size=model.quantizer.k)
    return result


def check(a, device):
    """Loads what the C# worker's `check` verb wrote under --out (its state dict, a context, its output) into the
    mirror by name (C# camelCase field -> snake_case attribute) and compares the mirror's output with the C# one."""
    folder = Path(a.out)
    model = models.build(a).eval()
    own = model.state_dict()
    state = {}
    for file in sorted((folder / "state").glob("*.npy")):
        # C# fields are camelCase: blocks.0.timeAttention.qkv.weight -> blocks.0.time_attention.qkv.weight
        name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", file.stem).lower()
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


def matmul_speed(a, device):
    """--op matmul: a (size x size) @ (size x size) float32 product, the CPU's practical single-precision peak."""
    x, y = torch.rand(a.size, a.size, device=device), torch.rand(a.size, a.size, device=device)
    seconds = []
    for i in range(a.warmup + a.steps):
        start = time.perf_counter()
        torch.mm(x, y)
        sync(device)
        if i >= a.warmup:
            seconds.append(time.perf_counter() - start)
    return {"params": 0, "batch": 1, "seconds": seconds}


def op_speed(a, device):
    """One layer alone, timed, as the C# worker's OpSpeed: the kernels without the model around them."""
    if a.op == "matmul":
        return matmul_speed(a, device)
    layer = {"conv2d": lambda: torch.nn.Conv2d(a.cin, a.cout, a.kernel, padding=a.dilation * (a.kernel // 2),
                                               dilation=a.dilation, groups=a.groups),
             "conv3d": lambda: torch.nn.Conv3d(a.cin, a.cout, a.kernel, padding=a.kernel // 2),
             "convtranspose3d": lambda: torch.nn.ConvTranspose3d(a.cin, a.cout, a.kernel, stride=2, padding=1),
             "linear": lambda: torch.nn.Linear(a.cin, a.cout)}[a.op]().to(device)
    shape = {"conv2d": (a.batch, a.cin, a.size, a.size), "conv3d": (a.batch, a.cin, a.frames, a.size, a.size),
             "convtranspose3d": (a.batch, a.cin, a.frames, a.size, a.size),
             "linear": (a.batch * a.size * a.size, a.cin)}[a.op]
    x = torch.rand(*shape, device=device, requires_grad=bool(a.backward))
    seconds = []
    with torch.set_grad_enabled(bool(a.backward)):
        for i in range(a.warmup + a.steps):
            start = time.perf_counter()
            y = layer(x)
            if a.backward:
                y.sum().backward()
            sync(device)
            if i >= a.warmup:
                seconds.append(time.perf_counter() - start)
    return {"params": models.parameters(layer), "batch": a.batch, "seconds": seconds}


def main():
    a = options()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    verbs = {"train-speed": train_speed, "infer-speed": infer_speed, "size": size, "quality": quality, "check": check,
             "op-speed": op_speed}
    result = verbs[a.verb](a, device)
    result.update(side="pytorch", verb=a.verb, threads=torch.get_num_threads(), torch=torch.__version__)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
