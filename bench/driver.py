"""Runs the VideoLab benchmarks against their PyTorch peers and writes bench/results/<date>.json and .md.

Every measurement is one process: the C# worker (bench/VideoLab.Bench) or the PyTorch peer
(bench/peers/worker.py, Debian's /usr/bin/python3). Throughput pairs are interleaved A/B, the order
alternating between repetitions, so both sides see the same machine conditions; only ratios measured in
the same run are meaningful. Sections: size, memory, throughput, quality (see bench/README.md).

usage: driver.py [--profile full|quick] [--only size,memory,throughput,quality] [--date YYYY-MM-DD]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORKER = BENCH / "VideoLab.Bench/bin/Release/net10.0/VideoLab.Bench.dll"
DATA_BENCH = BENCH / "data/bin/Release/net10.0/DataBench.dll"
PEER = BENCH / "peers/worker.py"
PEERS = BENCH / "peers"
CACHE = BENCH / ".cache"
TEST_SEED = 1_000_003  # the test clips' stream; training streams use the run's seeds (0, 1, 2, ...), never this one
RESULTS = BENCH / "results"
FASHION = Path("/usr/share/datasets/fashion-mnist")

# OpenSTL's published Moving MNIST numbers (docs/en/model_zoos/video_benchmarks.md): params, FLOPs.
OPENSTL = {"convlstm": ("ConvLSTM-S", "15.0M", "56.8G"), "predrnn": ("PredRNN", "23.8M", "116.0G"),
           "simvp": ("SimVP+gSTA-S", "46.8M", "16.5G")}
MODELS = ["convlstm", "convgru", "predrnn"]
SIZE_NOTES = {
    "convlstm": "same computation, FLOPs equal; OpenSTL's ConvLSTMCell also creates two convolutions its forward never "
                "uses (conv_o 2h->h 5x5, conv_last 2h->h 1x1: 851,968 params per layer x 4 = 3.41M), see Models/ConvLstm.cs",
    "convgru": "no OpenSTL counterpart; ConvLSTM-S's stack with GRU cells",
    "predrnn": "the same layers, plus 7x128 input-convolution biases per layer",
    "simvp": "the same blocks (gSTA translator); FLOPs from the peer's hooks (conv and linear only; fvcore also counts norms)",
    "vqvae": "no OpenSTL counterpart; VqVaeConfig defaults (width 128, 2 residual blocks, 512 codes x 64) on a "
             "16-frame 64x64 clip; FLOPs from the peer's hooks only (no analytic formula in C#)",
    "mocogan": "no OpenSTL counterpart; MoCoGanConfig defaults (width 64 for G, D_I and D_V, z_C 50, z_M 10, noise 10, "
               "spectral norm in both Ds) on 16-frame 64x64 clips; params = G + D_I + D_V; FLOPs = one generator "
               "forward per clip (transposed convolutions + GRU cell), from the peer's hooks only (no analytic formula in C#)",
    "transformer": "no OpenSTL counterpart; VideoTransformerConfig defaults (6 divided space-time blocks, width 256, 8 heads, "
                   "patch 8 = 64 tokens per frame, MLP x4, 20 time positions); FLOPs from the peer's hooks (linear layers "
                   "only, not the attention products QK^T and AV) over the rollout: the 10 context frames, then each "
                   "predicted frame once (earlier frames' keys and values are cached)",
}
# The memory check runs the library's own training methods, so it covers every family, not only those with a peer.
# (vqvae-prior is left out: its method needs a trained VQ-VAE checkpoint.)
ONLY_MODELS = []  # --models: restricts the throughput and quality sections too
MEMORY_MODELS = ["convlstm", "convgru", "predrnn", "framelstm", "framegru", "simvp", "tau", "conv3d", "transformer",
                 "vqvae", "mocogan"]
OPENSTL_SIZE = dict(layers=4, hidden=128, kernel=5, patch=4)  # configs/mmnist/ConvLSTM.py and PredRNN.py
# Per-model changes to a profile's sizes. The VQ-VAE (no OpenSTL counterpart) reconstructs 16-frame clips:
# layers = residual blocks, hidden = encoder/decoder width; VqVaeConfig's defaults for the size section.
# SimVP-gSTA: hidden = hid_S, temporal = hid_T, layers = N_T (OpenSTL: 64, 512, 8; the benchmark halves the widths
# for throughput as it does for the recurrent models, and quarters them for the quality budget).
SIZE_MODELS = [(m, dict(OPENSTL_SIZE)) for m in MODELS] + [("simvp", dict(hidden=64, temporal=512, layers=8)),
                                                           ("vqvae", dict(layers=2, hidden=128, context=8, horizon=8)),
                                                           ("mocogan", dict(hidden=64, context=8, horizon=8)),
                                                           ("transformer", dict(layers=6, hidden=256, patch=8, heads=8))]
# Order = priority: the run writes after each model, so a run cut short keeps the first ones. The profile sets
# 4 layers x 32 hidden (a quarter of OpenSTL's 128) for the recurrent models; the others are sized here so that one
# training step at batch 16 takes a few seconds on 2 cores. "name" labels a second row of the same model.
THROUGHPUT_MODELS = [("convlstm", {}), ("predrnn", {}), ("convgru", {}),
                     ("simvp", dict(hidden=32, temporal=256, layers=8)),  # half OpenSTL's SimVP-gSTA widths
                     ("vqvae", dict(layers=2, hidden=32, context=8, horizon=8)),  # 16-frame clips, a quarter of width 128
                     # MoCoGAN: one GanMethod step (D then G) on 20-frame clips at half MoCoGanConfig's width 64.
                     ("mocogan", dict(hidden=32)),
                     # Video transformer: blocks x width at patch 8, 2 heads (the config's head width 32).
                     ("transformer", dict(layers=4, hidden=64, patch=8, heads=2)),
                     # ConvLstmConfig.Tiny's layers: so little compute per call that framework overhead shows. Its steps
                     # take ~0.5 s, so one warm-up step leaves .NET's tiered JIT still promoting methods (it waits for
                     # 30 calls and a quiet 100 ms) in the first timed steps, 15-35% slower than later ones (bench/README);
                     # three warm-up steps on both sides measure the steady state, as the larger rows' 6-s steps do.
                     ("convlstm", dict(name="convlstm-tiny", layers=2, hidden=8, kernel=3, patch=2, warmup=3, steps=5))]
# The VQ-VAE reconstructs whole 20-frame clips at full resolution with 3D convolutions: ~8 s per batch-16 step at
# width 32 on one thread, so it gets a narrower width, a smaller batch and twice the profile's CPU budget. The
# transformer also gets twice the budget.
QUALITY_MODELS = [("convlstm", {}), ("simvp", dict(hidden=16, temporal=128, layers=4)), ("predrnn", {}), ("convgru", {}),
                  ("vqvae", dict(layers=1, hidden=16, batch=8, cpu_scale=2)),
                  ("transformer", dict(layers=2, hidden=32, patch=8, heads=1, cpu_scale=2))]

PROFILES = {
    # The real run (~35 min on 2 quiet cores). Throughput: the standard data setting (64x64x1, 10 -> 10, batch 16)
    # at a quarter of OpenSTL's widths (THROUGHPUT_MODELS): a full-width PredRNN step takes ~25 s on 2 cores, too
    # long for several interleaved repetitions of seven families.
    "full": dict(threads=2, data_rounds=3,
                 throughput=dict(batch=16, layers=4, hidden=32, kernel=5, patch=4, warmup=1, steps=3, reps=3),
                 kernels=dict(batch=16, warmup=5, steps=30, reps=3),
                 memory=dict(batch=2, frames=20, height=16, warmup=200, steps=2000, every=100, threads=1, parallel=2),
                 quality=dict(batch=16, layers=2, hidden=16, kernel=5, patch=4, cpu_seconds=90, threads=1,
                              test_clips=500, seeds=[0, 1, 2])),
    # A few seconds per call: checks that the harness works end to end.
    "quick": dict(threads=1, data_rounds=1,
                  throughput=dict(batch=2, layers=2, hidden=8, kernel=3, patch=4, warmup=1, steps=2, reps=2),
                  kernels=dict(batch=2, warmup=1, steps=3, reps=2),
                  memory=dict(batch=2, frames=20, height=16, warmup=5, steps=40, every=10, threads=1, parallel=2),
                  quality=dict(batch=4, layers=2, hidden=8, kernel=3, patch=4, cpu_seconds=3, threads=1,
                               test_clips=40, seeds=[0, 1])),
}


def env_for(side, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    if side == "pytorch":
        # FACTS.md: these two variables (set on these machines for old OpenBLAS builds) slow OpenBLAS down.
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
        env["OPENBLAS_NUM_THREADS"] = str(threads)
    return env


def call(side, verb, opts, threads):
    args = []
    for k, v in opts.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    args += ["--threads", str(threads)]
    cmd = (["dotnet", str(WORKER), verb] if side == "videolab" else ["/usr/bin/python3", str(PEER), verb]) + args
    done = subprocess.run(cmd, capture_output=True, text=True, env=env_for(side, threads), cwd=PEERS)
    if done.returncode != 0:
        raise SystemExit(f"{side} {verb} failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load():
    return round(os.getloadavg()[0], 2)


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def section_size(profile):
    rows = []
    for model, size in SIZE_MODELS:
        opts = dict(model=model, **size)
        vl, pt = call("videolab", "size", opts, 1), call("pytorch", "size", opts, 1)
        assert vl["params"] == pt["params"], f"{model}: VideoLab {vl['params']} params, PyTorch mirror {pt['params']}"
        name, params, flops = OPENSTL.get(model, ("-", "-", "-"))
        rows.append(dict(model=model, size=size, params=vl["params"], params_peer=pt["params"],
                         flops=vl["flops"], flops_peer_hooks=pt["flops"], openstl_name=name,
                         openstl_params=params, openstl_flops=flops))
        print(f"size {model}: {vl['params']:,} params (peer {pt['params']:,}), {pt['flops'] / 1e9:.1f} GFLOPs", flush=True)
    return rows


def interleaved(verb, opts, reps, threads):
    """A/B pairs: VideoLab then PyTorch, the order swapped every repetition; each call a fresh process whose
    median step time is one sample. Returns per-side seconds, the ratios (VideoLab speed / PyTorch speed, per
    pair), the parameter count both sides reported, and the 1-minute load average before each call."""
    runs = {"videolab": [], "pytorch": []}
    params, loads = {}, []
    for rep in range(reps):
        order = ("videolab", "pytorch") if rep % 2 == 0 else ("pytorch", "videolab")
        for side in order:
            loads.append(load())
            r = call(side, verb, dict(opts, seed=rep), threads)
            runs[side].append(statistics.median(r["seconds"]))
            params[side] = r["params"]
    assert params["videolab"] == params["pytorch"], f"{verb} {opts}: parameter counts differ: {params}"
    ratios = [p / v for v, p in zip(runs["videolab"], runs["pytorch"])]
    return runs, ratios, params["videolab"], loads


# The CPU's practical single-precision peak: an N x N by N x N float32 product (2 N^3 FLOP), timed on both sides at the
# throughput section's thread count (LibTorch's oneMKL against PyTorch 1.13's OpenBLAS); the faster is the machine's.
MATMUL_SIZE = 1024


def matmul_peak(s, threads):
    opts = dict(op="matmul", size=MATMUL_SIZE, batch=1, backward=0, warmup=3, steps=20)
    runs, ratios, _, loads = interleaved("op-speed", opts, s["reps"], threads)
    flop = 2 * MATMUL_SIZE ** 3
    gflops = {side: spread([flop / x / 1e9 for x in runs[side]]) for side in runs}
    print(f"matmul {MATMUL_SIZE}: VideoLab {gflops['videolab']['median']:.1f} GFLOP/s, "
          f"PyTorch {gflops['pytorch']['median']:.1f} GFLOP/s", flush=True)
    return dict(size=MATMUL_SIZE, threads=threads, videolab_gflops=gflops["videolab"], pytorch_gflops=gflops["pytorch"],
                load_1min=loads)


def achieved_gflops(verb, macs_per_clip, clips_per_s):
    """FLOP/s a step achieves: 2 FLOP per multiply-add; a training step counted as 3 forward passes (the backward pass
    computes gradients for inputs and weights, each about one forward's work), the usual convention."""
    passes = 3 if verb == "train-speed" else 1
    return 2 * macs_per_clip * passes * clips_per_s / 1e9


def section_throughput(profile, emit=lambda rows: None, peak=None):
    s, threads = profile["throughput"], profile["threads"]
    rows = []
    peak = peak or matmul_peak(s, threads)
    for model, change in THROUGHPUT_MODELS:
        name = change.get("name", model)
        if ONLY_MODELS and name not in ONLY_MODELS:
            continue
        opts = dict(model=model, batch=s["batch"], layers=s["layers"], hidden=s["hidden"], kernel=s["kernel"],
                    patch=s["patch"], warmup=s["warmup"], steps=s["steps"])
        opts.update({k: v for k, v in change.items() if k != "name"})
        # Multiply-adds of one clip's forward pass at this row's size, from the peer's hooks (convolutions and linear
        # layers). MoCoGAN's count is one generator pass only, so its training step has no FLOP/s figure.
        macs = call("pytorch", "size", opts, 1)["flops"]
        for verb in ("train-speed", "infer-speed"):
            runs, ratios, params, loads = interleaved(verb, opts, s["reps"], threads)
            row = dict(name=name, model=model, verb=verb, params=params, batch=s["batch"],
                       videolab_seconds=runs["videolab"], pytorch_seconds=runs["pytorch"],
                       videolab_per_s=spread([1 / x for x in runs["videolab"]]),
                       pytorch_per_s=spread([1 / x for x in runs["pytorch"]]),
                       videolab_clips_per_s=spread([s["batch"] / x for x in runs["videolab"]]),
                       pytorch_clips_per_s=spread([s["batch"] / x for x in runs["pytorch"]]),
                       ratio=spread(ratios), load_1min=loads, options=opts, macs_per_clip=macs)
            if not (model == "mocogan" and verb == "train-speed"):
                row["videolab_gflops"] = achieved_gflops(verb, macs, row["videolab_clips_per_s"]["median"])
                row["pytorch_gflops"] = achieved_gflops(verb, macs, row["pytorch_clips_per_s"]["median"])
                row["peak_gflops"] = max(peak["videolab_gflops"]["median"], peak["pytorch_gflops"]["median"])
            rows.append(row)
            print(f"{verb} {name}: VideoLab {row['videolab_per_s']['median']:.3f}/s, PyTorch "
                  f"{row['pytorch_per_s']['median']:.3f}/s, ratio {row['ratio']['median']:.2f} "
                  f"[{row['ratio']['min']:.2f}-{row['ratio']['max']:.2f}] load {loads}", flush=True)
            emit(rows)
    return rows


# Single layers at the shapes the throughput models run them (batch 16): are the kernels themselves equal?
KERNEL_OPS = [
    ("conv2d 32->128 5x5 on 16x16 (ConvLSTM 4 x 32 hidden gates)", dict(op="conv2d", cin=32, cout=128, kernel=5, size=16)),
    ("conv2d 16->96 5x5 on 16x16 (ConvGRU 4 x 32 first input gates)", dict(op="conv2d", cin=16, cout=96, kernel=5, size=16)),
    ("conv2d 32->32 3x3 on 32x32 (SimVP encoder)", dict(op="conv2d", cin=32, cout=32, kernel=3, size=32)),
    ("depthwise conv2d 256 ch 5x5 on 16x16 (SimVP gSTA local)", dict(op="conv2d", cin=256, cout=256, kernel=5, size=16,
                                                                     groups=256)),
    ("depthwise conv2d 256 ch 7x7 dilation 3 on 16x16 (SimVP gSTA dilated)",
     dict(op="conv2d", cin=256, cout=256, kernel=7, size=16, groups=256, dilation=3)),
    ("conv3d 32->32 3x3x3 on 8x32x32 (VQ-VAE width 32)", dict(op="conv3d", cin=32, cout=32, kernel=3, size=32, frames=8)),
    ("transposed conv3d 32->32 4x4x4 stride 2, 8x16x16 -> 16x32x32 (VQ-VAE decoder)",
     dict(op="convtranspose3d", cin=32, cout=32, kernel=4, size=16, frames=8)),
    ("linear 64->192 on 16x64 tokens (transformer qkv, per frame)", dict(op="linear", cin=64, cout=192, size=8)),
]


def section_kernels(profile):
    s, threads = profile["kernels"], profile["threads"]
    rows = []
    for label, op in KERNEL_OPS:
        for backward in (0, 1):
            opts = dict(op, batch=s["batch"], backward=backward, warmup=s["warmup"], steps=s["steps"])
            runs, ratios, params, loads = interleaved("op-speed", opts, s["reps"], threads)
            rows.append(dict(op=label, backward=backward, options=opts, params=params,
                             videolab_ms=spread([1000 * x for x in runs["videolab"]]),
                             pytorch_ms=spread([1000 * x for x in runs["pytorch"]]), ratio=spread(ratios), load_1min=loads))
            print(f"kernel {label} {'fwd+bwd' if backward else 'fwd'}: VideoLab {rows[-1]['videolab_ms']['median']:.2f} ms, "
                  f"PyTorch {rows[-1]['pytorch_ms']['median']:.2f} ms, ratio {rows[-1]['ratio']['median']:.2f}", flush=True)
    return rows


def memory_row(model, s):
    opts = {k: v for k, v in s.items() if k not in ("threads", "parallel")}
    r = call("videolab", "memory", dict(model=model, **opts), s["threads"])
    rss = r["rss_kib"]
    growth = (rss[-1] - rss[0]) / rss[0] * 100
    half = len(rss) // 2
    slope = (rss[-1] - rss[half]) / max(1, (len(rss) - 1 - half) * s["every"])  # KiB per step, second half
    return dict(model=model, params=r["params"], batch=r["batch"], steps=r["steps"], method=r["method"], clip=r["clip"],
                rss_kib=rss, live_tensors=r["live_tensors"], created_outside_scope=r["created_outside_scope"],
                managed_committed_kib=r["managed_committed_kib"], start_mib=rss[0] / 1024, end_mib=rss[-1] / 1024,
                max_mib=max(rss) / 1024, growth_percent=growth, slope_kib_per_step=slope, seconds=r["seconds"],
                passed=growth <= 3.0)


def section_memory(profile, models=None, partial=None):
    s = profile["memory"]
    rows = []
    # Memory does not depend on speed, so models run side by side (1 thread each) to save time.
    with ThreadPoolExecutor(s.get("parallel", 1)) as pool:
        futures = [pool.submit(memory_row, model, s) for model in models or MEMORY_MODELS]
        for f in futures:
            row = f.result()
            rows.append(row)
            rss = row["rss_kib"]
            print(f"memory {row['model']}: {rss[0] / 1024:.0f} -> {rss[-1] / 1024:.0f} MiB over {row['steps']} steps "
                  f"({row['growth_percent']:+.2f}%); MiB every {s['every']} steps: {[round(x / 1024) for x in rss]}; "
                  f"live tensors {row['live_tensors'][0]} -> {row['live_tensors'][-1]}", flush=True)
            if partial:
                partial(rows)
    return rows


def make_data(profile):
    """The fixed test clips (t10k images); training clips are drawn fresh by each worker (see section_quality)."""
    s = profile["quality"]
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"fashion-test-{s['test_clips']}-seed{TEST_SEED}-clip-random.npy"
    if not path.exists():
        subprocess.run(["/usr/bin/python3", str(PEERS / "moving_mnist.py"), str(FASHION / "t10k-images-idx3-ubyte.gz"),
                        str(path), str(s["test_clips"]), str(TEST_SEED)], check=True)
    return {"train": FASHION / "train-images-idx3-ubyte.gz", "test": path}


def metrics(test, predictions, whole=False):
    done = subprocess.run(["/usr/bin/python3", str(PEERS / "metrics.py"), str(test), str(predictions)]
                          + (["--whole"] if whole else []), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def section_quality(profile, emit=lambda rows: None):
    """Each model, for each seed, trained by both sides at the same time under the same protocol (OpenSTL's, as
    VideoLab's PredictionMethod): fresh clips every step, the same clips on both sides (clip i of the stream generated
    from the training images and the seed), the loss over every next-frame output of recurrent models and the
    transformer, raw predictions scored by one script as OpenSTL's metrics.py. The seed sets the clips and the weights."""
    s = profile["quality"]
    files = make_data(profile)
    rows = [dict(model=name, side="baseline", **metrics(files["test"], name)) for name in ("copy-last", "all-black")]
    print(f"quality baselines: copy-last MSE {rows[0]['mse']:.1f} SSIM {rows[0]['ssim']:.3f}, "
          f"all-black MSE {rows[1]['mse']:.1f}", flush=True)
    for model, change in QUALITY_MODELS:
        if ONLY_MODELS and model not in ONLY_MODELS:
            continue
        for seed in s["seeds"]:
            out = {side: CACHE / f"pred-{model}-{side}-seed{seed}.npy" for side in ("videolab", "pytorch")}
            opts = dict(model=model, batch=s["batch"], layers=s["layers"], hidden=s["hidden"], kernel=s["kernel"],
                        patch=s["patch"], cpu_seconds=s["cpu_seconds"] * change.get("cpu_scale", 1), train=files["train"],
                        test=files["test"], seed=seed)
            opts.update({k: v for k, v in change.items() if k != "cpu_scale"})
            # Both sides train at the same time, one thread each, so they share whatever the machine is doing.
            with ThreadPoolExecutor(2) as pool:
                futures = {side: pool.submit(call, side, "quality", dict(opts, out=out[side]), s["threads"])
                           for side in ("videolab", "pytorch")}
                results = {side: f.result() for side, f in futures.items()}
            for side, r in results.items():
                # The VQ-VAE is scored on its reconstruction of all 20 frames, the predictors on the 10 future ones.
                row = dict(model=model, side=side, seed=seed, params=r["params"], steps=r["steps"], cpu_seconds=r["cpu_seconds"],
                           wall_seconds=r["wall_seconds"], last_loss=r["last_loss"],
                           options={k: v for k, v in opts.items() if k not in ("train", "test", "seed")},
                           **{k: r[k] for k in ("perplexity", "codes_used", "codebook_size") if k in r},
                           **metrics(files["test"], out[side], whole=model == "vqvae"))
                rows.append(row)
                print(f"quality {model} seed {seed} {side}: {r['steps']} steps in {r['cpu_seconds']:.0f} CPU s, "
                      f"MSE {row['mse']:.1f}, SSIM {row['ssim']:.3f}"
                      + (f", perplexity {r['perplexity']:.1f}" if "perplexity" in r else ""), flush=True)
            emit(rows)
    return rows


def quality_summary(rows):
    """Per (model, side): the mean and [min-max] over seeds of steps, MSE, MAE, SSIM, PSNR (and the VQ-VAE's codebook)."""
    groups = {}
    for x in rows:
        groups.setdefault((x["model"], x["side"]), []).append(x)
    summary = []
    for (model, side), xs in groups.items():
        keys = [k for k in ("steps", "cpu_seconds", "mse", "mae", "ssim", "psnr", "perplexity", "codes_used") if k in xs[0]]
        stats = {k: dict(mean=statistics.fmean(x[k] for x in xs), min=min(x[k] for x in xs), max=max(x[k] for x in xs)) for k in keys}
        summary.append(dict(model=model, side=side, seeds=[x.get("seed") for x in xs], options=xs[0].get("options", {}),
                            codebook_size=xs[0].get("codebook_size"), **stats))
    return summary


# The fastest consumer the library ships: ConvLstmConfig.Tiny's layers (2 x 8, kernel 3, patch 2) trained on
# Moving-MNIST-sized clips (64x64x1, 10 -> 10, batch 16). The generators must outpace it by >= 20x.
CONSUMER = dict(model="convlstm", layers=2, hidden=8, kernel=3, patch=2, batch=16, warmup=3, steps=10)


def section_data(profile):
    """Generators, loader and video decoding (bench/data) against what training consumes, same run."""
    threads = profile["threads"]
    out = CACHE / "data.json"
    CACHE.mkdir(exist_ok=True)
    started_load = load()
    done = subprocess.run(["dotnet", str(DATA_BENCH), "--rounds", str(profile["data_rounds"]), "--json", str(out)],
                          capture_output=True, text=True, env=env_for("videolab", threads))
    if done.returncode != 0:
        raise SystemExit(f"bench/data failed ({done.returncode}):\n{done.stderr[-3000:]}")
    runs = json.loads(out.read_text())
    consumer = call("videolab", "train-speed", CONSUMER, threads)
    consumer_clips = CONSUMER["batch"] / statistics.median(consumer["seconds"])
    rows = [dict(name=name, runs=values, **spread(values)) for name, values in runs.items()]
    for row in rows:
        if "clips/s" in row["name"] and "VideoFolder" not in row["name"]:
            row["over_consumer"] = row["median"] / consumer_clips
        print(f"data {row['name']}: {row['median']:.1f}" +
              (f" ({row['over_consumer']:.0f}x the consumer)" if "over_consumer" in row else ""), flush=True)
    return dict(rows=rows, consumer=dict(options=CONSUMER, clips_per_s=consumer_clips, seconds=consumer["seconds"]),
                load_1min=[started_load, load()])


def git_commit():
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH)
    return done.stdout.strip() or "?"


def machine():
    info = {}
    for line in open("/proc/cpuinfo"):
        key, _, value = line.partition(":")
        info.setdefault(key.strip(), value.strip())
    flags = info.get("flags", "").split()
    # The widest vector instructions oneDNN and ATen can use here: "AMD EPYC" alone names machines from AVX2 to AVX-512.
    vector = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
    return dict(cpu=info.get("model name", "?"), vector=vector, family=f"{info.get('cpu family', '?')}/{info.get('model', '?')}",
                cores=os.cpu_count(), os=platform.platform(), python_peer="/usr/bin/python3")


def write(results, path_json):
    path_json.write_text(json.dumps(results, indent=1))
    path_json.with_suffix(".md").write_text(markdown(results))


def spread_cell(s, digits):
    """A table cell for spread(): median [min-max]."""
    return f"{s['median']:.{digits}f} [{s['min']:.{digits}f}-{s['max']:.{digits}f}]"


def size_label(model, o):
    """The options that set a model's size, in the model's own terms."""
    if model == "simvp":
        return f"hid_S {o.get('hidden')}, hid_T {o.get('temporal')}, N_T {o.get('layers')}"
    if model == "vqvae":
        return f"width {o.get('hidden')}, {o.get('layers')} res blocks"
    if model == "mocogan":
        return f"width {o.get('hidden')}, {o.get('context', 10) + o.get('horizon', 10)}-frame clips"
    if model == "transformer":
        return f"{o.get('layers')} blocks x width {o.get('hidden')}, patch {o.get('patch')}, {o.get('heads')} heads"
    return f"{o['layers']} x {o['hidden']}" if "layers" in o else "-"


def markdown(r):
    p = r["profile_settings"]
    out = [f"# VideoLab benchmarks, {r['date']}", "",
           f"Machine: {r['machine']['cpu']} ({r['machine'].get('vector', 'vector width not recorded')}, family/model "
           f"{r['machine'].get('family', '?')}), {r['machine']['cores']} cores, {r['machine']['os']}. "
           f"VideoLab: TorchSharp {r['versions'].get('torchsharp', '?')} (LibTorch {r['versions'].get('libtorch', '?')}, "
           f"glibc malloc: {r['versions'].get('native_heap', '?')}); "
           f"peer: PyTorch {r['versions'].get('pytorch', '?')} (Debian python3-torch, OpenBLAS, glibc malloc as installed). "
           f"Profile `{r['profile']}`.", "",
           "Commands that wrote this file, in order (each replaced the rows it measured; UTC start, commit):", ""]
    out += [f"- `{c['command']}` ({c['started']}, {c.get('commit', '?')})" for c in r.get("commands", [])] + [""]
    if "size" in r:
        out += ["## Model size at OpenSTL's Moving MNIST configurations", "",
                "FLOPs: multiply-adds of one forward pass over one 10 -> 10 clip (fvcore's convention, as OpenSTL), "
                "counted analytically in C# and with forward hooks on the PyTorch mirror.", "",
                "| model | params (VideoLab = PyTorch mirror) | GFLOPs (analytic / hooks) | OpenSTL | OpenSTL params | OpenSTL FLOPs | note |",
                "| --- | ---: | ---: | --- | ---: | ---: | --- |"]
        for x in r["size"]:
            analytic = f"{x['flops'] / 1e9:.1f}" if isinstance(x["flops"], (int, float)) else "-"
            out.append(f"| {x['model']} | {x['params'] / 1e6:.2f}M | {analytic} / {x['flops_peer_hooks'] / 1e9:.1f} "
                       f"| {x['openstl_name']} | {x['openstl_params']} | {x['openstl_flops']} | {SIZE_NOTES.get(x['model'], '')} |")
        out.append("")
    if "throughput" in r:
        t = p["throughput"]
        out += ["## CPU throughput, VideoLab against the same architecture in PyTorch", "",
                f"The standard data setting: 64x64x1 clips, 10 -> 10, batch {t['batch']}; {p['threads']} threads each. "
                "Each model at the size in its row (a quarter to a half of the published widths, so that one step takes "
                "seconds; bench/driver.py THROUGHPUT_MODELS); recurrent models with kernel 5, patch 4. Training step: "
                "Adam + MSE over 10 -> 10 without teacher forcing; the VQ-VAE reconstructs 16-frame clips (MSE + "
                "commitment, AdamW); MoCoGAN runs one GanMethod step on 20-frame clips (D_I and D_V update, then G "
                "update; non-saturating loss, spectral norm, AdamW betas (0.5, 0.999)). Inference: the same forward "
                "under no_grad in eval mode (MoCoGAN: sampling a batch of clips). "
                f"{t['reps']} repetitions A/B interleaved (order alternating), each a fresh process: {t['warmup']} "
                f"warm-up + {t['steps']} timed steps, median per process (convlstm-tiny: 3 + 5, its steps being short). "
                "Cells: median [min-max] over repetitions. Ratio = VideoLab speed / PyTorch speed, per repetition pair.", "",
                "Achieved GFLOP/s: 2 FLOP per multiply-add of one clip's forward pass (the peer's hooks on convolutions and "
                "linear layers; attention's own products and elementwise work not counted) times clips/s, a training step "
                "counted as three forward passes; % of peak against the faster side's float32 matrix product "
                "(see the line under the table), measured in the same run at the same thread count.", "",
                "| model | size | params | measure | VideoLab steps/s | PyTorch steps/s | VideoLab clips/s | PyTorch clips/s | ratio "
                "| GFLOP/s VideoLab / PyTorch | % of peak |",
                "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        f = lambda s, d=3: spread_cell(s, d)
        order = [change.get("name", m) for m, change in THROUGHPUT_MODELS]
        by_order = lambda x: (order.index(x.get("name", x["model"])) if x.get("name", x["model"]) in order else len(order),
                              x["verb"] != "train-speed")
        for x in sorted(r["throughput"], key=by_order):
            what = ("training step" if x["verb"] == "train-speed" else
                    "inference (sampling)" if x["model"] == "mocogan" else "inference (forward)")
            o = x.get("options", {})
            size = size_label(x["model"], o)
            out.append(f"| {x['model']} | {size}, batch {x['batch']} | {x['params'] / 1e6:.2f}M | {what} | {f(x['videolab_per_s'])} | {f(x['pytorch_per_s'])} "
                       f"| {f(x['videolab_clips_per_s'], 2)} | {f(x['pytorch_clips_per_s'], 2)} | {f(x['ratio'], 2)} "
                       + (f"| {x['videolab_gflops']:.1f} / {x['pytorch_gflops']:.1f} | {100 * x['videolab_gflops'] / x['peak_gflops']:.0f}% |"
                          if "videolab_gflops" in x else "| - | - |"))
        if "matmul_peak" in r:
            m = r["matmul_peak"]
            out += ["", f"Float32 matrix product {m['size']}x{m['size']} at {m['threads']} threads: VideoLab (LibTorch, oneMKL) "
                        f"{f(m['videolab_gflops'], 1)} GFLOP/s, PyTorch 1.13 (OpenBLAS) {f(m['pytorch_gflops'], 1)} GFLOP/s."]
        loads = [l for x in r["throughput"] for l in x["load_1min"]]
        out += ["", f"1-minute load average during these runs: {min(loads)}-{max(loads)} (2 cores).", ""]
    if "kernels" in r:
        k = p["kernels"]
        out += ["## Single layers: the kernels without the model around them", "",
                f"One layer at the shape a throughput model runs it, batch {k['batch']}, {p['threads']} threads; "
                f"{k['warmup']} warm-up + {k['steps']} timed calls per process, median; {k['reps']} processes per side, "
                "A/B interleaved. VideoLab's LibTorch 2.10 (oneDNN for convolutions, oneMKL for matrix products) "
                "against Debian's PyTorch 1.13 (oneDNN, OpenBLAS): where a model's ratio follows its layers' ratio, "
                "the difference is the kernels' version, not TorchSharp.", "",
                "| layer | pass | VideoLab ms | PyTorch ms | ratio |", "| --- | --- | ---: | ---: | ---: |"]
        f = lambda s, d=2: spread_cell(s, d)
        for x in r["kernels"]:
            out.append(f"| {x['op']} | {'forward + backward' if x['backward'] else 'forward'} | {f(x['videolab_ms'])} | "
                       f"{f(x['pytorch_ms'])} | {f(x['ratio'])} |")
        out.append("")
    if "memory" in r:
        m = p["memory"]
        out += ["## Resident memory over training (VideoLab)", "",
                f"VmRSS after {m['warmup']} warm-up steps and after {m['steps']} more steps of the library's own training "
                f"method (each step in a dispose scope, as the Trainer runs it); registered models at their tiny size fitted "
                f"to {m['frames']} frames of {m['height']}x{m['height']} (10 -> 10 for predictors), batch {m['batch']}, "
                f"{m['threads']} thread. Target: growth <= 3%.", "",
                "Live tensors: TorchSharp's count of tensors alive on the thread (DisposeScopeManager.Statistics), at the "
                "start and the end; a tensor leaking outside a dispose scope makes it climb. The .NET GC commits its "
                "own heap (~20 MiB here) during the first ~100 steps, part of RSS, hence the 200 warm-up steps.", "",
                "| model | method | params | start MiB | end MiB | max MiB | growth | KiB/step (2nd half) | live tensors | verdict |",
                "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
        for x in r["memory"]:
            out.append(f"| {x['model']} | {x['method']} | {x['params']:,} | {x['start_mib']:.0f} | {x['end_mib']:.0f} | {x['max_mib']:.0f} | "
                       f"{x['growth_percent']:+.2f}% | {x['slope_kib_per_step']:.1f} | {x['live_tensors'][0]} -> {x['live_tensors'][-1]} "
                       f"| {'flat' if x['passed'] else 'GROWS'} |")
        out.append("")
    if "quality" in r:
        q = p["quality"]
        seeds = q.get("seeds", [0])
        out += ["## Moving Fashion-MNIST quality after the same CPU budget", "",
                f"Data: Moving Fashion-MNIST (real MNIST is not on this machine), generated per Srivastava et al. 2015 "
                f"from Debian's dataset-fashion-mnist by VideoLab's generator (bench/peers/moving_mnist.py is its port: the "
                f"same clips): fresh training clips every step from the train images, the same on both sides; "
                f"{q['test_clips']} fixed test clips from the t10k images; 10 -> 10. Protocol as OpenSTL: loss over every "
                f"next-frame output for the recurrent models and the transformer, over the future for SimVP; no teacher "
                f"forcing; Adam 1e-3. Each model trained until its process used the CPU seconds in its row on training "
                f"({q['threads']} thread; VideoLab and PyTorch ran at the same time, so both saw the same machine), once per "
                f"seed ({', '.join(map(str, seeds))}: the clips and the weights). Scored by one script "
                "(bench/peers/metrics.py, OpenSTL's metrics.py conventions): MSE and MAE per frame summed over the 64x64 "
                "pixels on the raw predictions, PSNR and SSIM (scikit-image 0.19.3 defaults, as OpenSTL) on predictions "
                "clipped to [0, 1]. Cells: mean over seeds [min-max].", "",
                "| model | size | side | seeds | training steps | CPU s | MSE | MAE | SSIM | PSNR |",
                "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]

        def cell(st, fmt):
            return f"{st['mean']:{fmt}} [{st['min']:{fmt}}-{st['max']:{fmt}}]" if st["min"] != st["max"] else f"{st['mean']:{fmt}}"

        order = ["copy-last", "all-black"] + [m for m, _ in QUALITY_MODELS]
        summary = sorted(quality_summary(r["quality"]), key=lambda x: (order.index(x["model"]) if x["model"] in order else len(order),
                                                                         x["side"] != "videolab"))
        for x in summary:
            if x["model"] == "vqvae":
                continue
            trained = f"{cell(x['steps'], '.0f')} | {cell(x['cpu_seconds'], '.0f')}" if "steps" in x else "- | -"
            n = len([v for v in x["seeds"] if v is not None]) or "-"
            out.append(f"| {x['model']} | {size_label(x['model'], x['options']) if x['side'] != 'baseline' else '-'} | {x['side']} | "
                       f"{n} | {trained} | {cell(x['mse'], '.1f')} | {cell(x['mae'], '.1f')} | {cell(x['ssim'], '.3f')} | {cell(x['psnr'], '.2f')} |")
        vq = [x for x in summary if x["model"] == "vqvae"]
        if vq:
            out += ["", "The VQ-VAE, scored on its reconstruction of all 20 test frames (the same metrics), with the "
                        "perplexity of its code histogram over the whole test set (exp of the entropy: the number of "
                        "codes in effective use) and the codes used at least once.", "",
                    "| model | size | side | seeds | training steps | CPU s | MSE | SSIM | PSNR | perplexity | codes used |",
                    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for x in vq:
                out.append(f"| vqvae | {size_label('vqvae', x['options'])}, batch {x['options']['batch']} | {x['side']} | {len(x['seeds'])} | "
                           f"{cell(x['steps'], '.0f')} | {cell(x['cpu_seconds'], '.0f')} | {cell(x['mse'], '.1f')} | {cell(x['ssim'], '.3f')} | "
                           f"{cell(x['psnr'], '.2f')} | {cell(x['perplexity'], '.1f')} | {cell(x['codes_used'], '.0f')} of {x['codebook_size']} |")
        out.append("")
    if "data" in r:
        d = r["data"]
        c = d["consumer"]["options"]
        out += ["## Data: generators and decoding against what training consumes", "",
                f"bench/data, {p.get('data_rounds', '?')} rounds, median [min-max]. The consumer: the fastest model the "
                f"library ships (ConvLstmConfig.Tiny: {c['layers']} x {c['hidden']}, kernel {c['kernel']}, patch {c['patch']}) "
                f"training on 64x64x1 clips, 10 -> 10, batch {c['batch']}: {d['consumer']['clips_per_s']:.1f} clips/s. "
                "Target: a generator feeds >= 20x that. Video: a 640x360 H.264 file of 300 frames (ffmpeg testsrc2) "
                "decoded by VideoReader and by ffmpeg itself to null, same run.", "",
                "| measurement | median [min-max] | x consumer |", "| --- | ---: | ---: |"]
        for x in d["rows"]:
            over = f"{x['over_consumer']:.0f}x" if "over_consumer" in x else "-"
            out.append(f"| {x['name']} | {x['median']:.1f} [{x['min']:.1f}-{x['max']:.1f}] | {over} |")
        rows = {x["name"]: x["median"] for x in d["rows"]}
        full = [k for k in rows if k.startswith("VideoReader.ReadAll")]
        null = [k for k in rows if k.startswith("ffmpeg -f null")]
        small, small_null = [k for k in rows if k.startswith("VideoReader 64")], [k for k in rows if k.startswith("ffmpeg 64")]
        if full and null and small and small_null:
            out += ["", f"Decoding: at 64x64 VideoReader runs at {rows[small[0]] / rows[small_null[0]]:.2f}x ffmpeg with the "
                        f"same filters to null; at full size ReadAll (float tensor) at {rows[full[0]] / rows[null[0]]:.2f}x "
                        "`ffmpeg -f null` (which never converts or copies the pixels)."]
        out += ["", f"1-minute load average: {d['load_1min'][0]} at the start, {d['load_1min'][1]} at the end.", ""]
    if "gpu" in r:
        out += ["## GPU: one training epoch of the PyTorch peers at OpenSTL's size", "",
                "PyTorch peer on one GPU, batch 16, 625 steps = one epoch of 10,000 Moving MNIST clips "
                "(random data already on the GPU), Adam + MSE, 10 -> 10 without teacher forcing.", "",
                "| model | params | GPU | PyTorch | steps/s | s per epoch | 200 epochs |", "| --- | ---: | --- | --- | ---: | ---: | ---: |"]
        for x in r["gpu"]:
            out.append(f"| {x['model']} | {x['params'] / 1e6:.2f}M | {x['gpu']} | {x['torch']} | {x['steps_per_s']:.2f} | "
                       f"{x['epoch_seconds']:.1f} | {x['hours_200_epochs']:.1f} h |")
        out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", default="full", choices=PROFILES)
    ap.add_argument("--only", default="size,memory,throughput,kernels,quality,data")
    ap.add_argument("--date", default=datetime.datetime.utcnow().strftime("%Y-%m-%d"))
    ap.add_argument("--models", help="only these models (comma-separated; throughput rows by name, e.g. "
                                     "convlstm-tiny); rows of other models already in today's file are kept")
    ap.add_argument("--render", action="store_true", help="only rewrite today's .md from its .json; nothing is measured")
    a = ap.parse_args()
    if not WORKER.exists():
        raise SystemExit(f"{WORKER} is missing: build it with `dotnet build bench/VideoLab.Bench -c Release` (bench/run does).")
    profile = PROFILES[a.profile]
    if a.models:
        ONLY_MODELS.extend(a.models.split(","))
    RESULTS.mkdir(exist_ok=True)
    suffix = "" if a.profile == "full" else f"-{a.profile}"
    path = RESULTS / f"{a.date}{suffix}.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    if a.render:
        path.with_suffix(".md").write_text(markdown(results))
        print(f"wrote {path.with_suffix('.md')}")
        return
    results.update(date=a.date, profile=a.profile, profile_settings=profile, machine=machine())
    # Every run that wrote into today's file, in order: each replaces the rows it measured.
    results.pop("command", None)
    results.setdefault("commands", []).append(dict(
        command=" ".join(["bench/run"] + sys.argv[1:]),
        started=datetime.datetime.utcnow().isoformat(timespec="seconds"), commit=git_commit()))
    probe_vl = call("videolab", "size", dict(model="convlstm", layers=1, hidden=4, kernel=3, patch=4), 1)
    probe_pt = call("pytorch", "size", dict(model="convlstm", layers=1, hidden=4, kernel=3, patch=4), 1)
    results["versions"] = dict(torchsharp=probe_vl["torchsharp"], libtorch=probe_vl["libtorch"], pytorch=probe_pt["torch"],
                              native_heap=probe_vl.get("native_heap", "?"))
    gpu = RESULTS / "gpu-epoch-h100.jsonl"
    if gpu.exists():
        results["gpu"] = [json.loads(l) for l in gpu.read_text().splitlines() if l.strip()]
    sections = {"size": section_size, "memory": section_memory, "throughput": section_throughput,
                "quality": section_quality, "data": section_data, "kernels": section_kernels}
    for name in a.only.split(","):
        started = time.time()
        if name == "memory":
            kept = [x for x in results.get("memory", []) if a.models and x["model"] not in a.models.split(",")]

            def partial(rows):
                results["memory"] = sorted(kept + rows, key=lambda x: MEMORY_MODELS.index(x["model"]))
                write(results, path)
            section_memory(profile, a.models.split(",") if a.models else None, partial)
        elif name in ("throughput", "quality"):
            key = "name" if name == "throughput" else "model"
            kept = [x for x in results.get(name, []) if ONLY_MODELS and x.get(key, x["model"]) not in ONLY_MODELS
                    and x.get("side") != "baseline"]  # the quality section always scores the baselines again

            def emit(rows, name=name, kept=kept):
                results[name] = kept + rows
                write(results, path)
            if name == "throughput":
                results["matmul_peak"] = matmul_peak(profile["throughput"], profile["threads"])
                results[name] = kept + section_throughput(profile, emit, results["matmul_peak"])
            else:
                results[name] = kept + sections[name](profile, emit)
        else:
            results[name] = sections[name](profile)
        results.setdefault("timings", {})[name] = dict(seconds=round(time.time() - started, 1),
                                                       finished=datetime.datetime.utcnow().isoformat(timespec="seconds"))
        write(results, path)
    print(f"wrote {path} and {path.with_suffix('.md')}")


if __name__ == "__main__":
    main()
