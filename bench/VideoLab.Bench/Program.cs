using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using VideoLab.Bench;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

// One measurement per process, printed as one JSON line; bench/driver.py interleaves these calls with the
// PyTorch peer's (bench/peers/worker.py) and aggregates. Verbs: train-speed, infer-speed, memory, size, quality, check, op-speed.
if (args.Length == 0) { Console.Error.WriteLine("usage: VideoLab.Bench VERB --key value ..."); return 2; }
var verb = args[0];
var o = new Options(args.Skip(1));
_ = Lab.Device;  // makes TorchSharp loadable on Debian 12 before the first torch call
int threads = o.Int("threads", 2);
torch.set_num_threads(threads);
Lab.Seed(o.Int("seed", 0));
var device = torch.CPU;

var result = verb switch
{
    "train-speed" => TrainSpeed(),
    "infer-speed" => InferSpeed(),
    "memory" => MemoryRun.Run(o),
    "size" => Size(),
    "quality" => Quality(),
    "check" => Check(),
    "op-speed" => OpSpeed.Run(o),
    _ => throw new ArgumentException($"Unknown verb '{verb}' (train-speed, infer-speed, memory, size, quality, check, op-speed)."),
};
result["side"] = "videolab";
result["verb"] = verb;
result["threads"] = torch.get_num_threads();
result["libtorch"] = torch.__version__;
result["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";
result["native_heap"] = VideoLab.Runtime.NativeHeap.KeepsFreedMemory ? "freed memory kept" : "system";
Console.WriteLine(JsonSerializer.Serialize(result));
return 0;

// Random clips of the configured shape: the compute of these models does not depend on the pixel values.
(Tensor Context, Tensor Future) RandomBatch(int batch)
{
    int c = o.Int("channels", 1), h = o.Int("height", 64), w = o.Int("width", 64);
    var clip = rand([batch, o.Int("context", 10) + o.Int("horizon", 10), c, h, w]);  // (B, Tc+Th, C, H, W)
    return (clip[.., ..o.Int("context", 10)], clip[.., o.Int("context", 10)..]);
}

// The training step both sides run: forward over 10 → 10 without teacher forcing, MSE, backward, Adam.
// The VQ-VAE reconstructs the whole clip: reconstruction MSE + commitment, AdamW (as VqVaeMethod).
void TrainStep(nn.Module model, optim.Optimizer opt, Tensor context, Tensor future)
{
    using var scope = NewDisposeScope();
    opt.zero_grad();
    var loss = model is VqVae vq ? vq.call(cat([context, future], 1)).Losses.Total
                                 : nn.functional.mse_loss(((nn.Module<Tensor, Tensor>)model).call(context), future);
    loss.backward();
    opt.step();
}

optim.Optimizer Optimizer(nn.Module model, double lr) =>
    model is VqVae ? optim.AdamW(model.parameters(), lr, weight_decay: 0) : optim.Adam(model.parameters(), lr: lr);

// MoCoGAN: one step of the library's own GanMethod (D update, then G update; MethodSettings' defaults), driven as
// MemoryRun and the Trainer drive it, on a random real batch of context + horizon frames.
Dictionary<string, object> GanTrainSpeed(MoCoGan gan)
{
    var method = new GanMethod(gan, new MethodSettings());
    int batch = o.Int("batch", 16), warmup = o.Int("warmup", 2);
    var real = rand([batch, o.Int("context", 10) + o.Int("horizon", 10), o.Int("channels", 1), o.Int("height", 64), o.Int("width", 64)]);  // (B, T, C, H, W)
    void Step(long i)
    {
        using var scope = NewDisposeScope();
        gan.train();
        method.TrainStep(real, new StepContext(i, 0, null, null));
    }
    for (int i = 0; i < warmup; i++) Step(i);
    var seconds = new List<double>();
    for (int i = 0; i < o.Int("steps", 5); i++)
    {
        var sw = Stopwatch.StartNew();
        Step(warmup + i);
        seconds.Add(sw.Elapsed.TotalSeconds);
    }
    return new() { ["params"] = BenchModels.Parameters(gan), ["batch"] = batch, ["seconds"] = seconds };
}

// MoCoGAN: MoCoGan.Sample (fresh latents, generator under no_grad) in eval mode, clips of the configured length.
Dictionary<string, object> GanInferSpeed(MoCoGan gan)
{
    gan.eval();
    int batch = o.Int("batch", 16), warmup = o.Int("warmup", 2);
    var seconds = new List<double>();
    for (int i = 0; i < warmup + o.Int("steps", 5); i++)
    {
        using var scope = NewDisposeScope();
        var sw = Stopwatch.StartNew();
        gan.Sample(batch, seed: i);
        if (i >= warmup) seconds.Add(sw.Elapsed.TotalSeconds);
    }
    return new() { ["params"] = BenchModels.Parameters(gan), ["batch"] = batch, ["seconds"] = seconds };
}

Dictionary<string, object> TrainSpeed()
{
    var model = BenchModels.Build(o);
    if (model is MoCoGan gan) return GanTrainSpeed(gan);
    model.train();
    var opt = Optimizer(model, 1e-3);
    int batch = o.Int("batch", 16);
    var (context, future) = RandomBatch(batch);
    for (int i = 0; i < o.Int("warmup", 2); i++) TrainStep(model, opt, context, future);
    var seconds = new List<double>();
    for (int i = 0; i < o.Int("steps", 5); i++)
    {
        var sw = Stopwatch.StartNew();
        TrainStep(model, opt, context, future);
        seconds.Add(sw.Elapsed.TotalSeconds);
    }
    return new() { ["params"] = BenchModels.Parameters(model), ["batch"] = batch, ["seconds"] = seconds };
}

Dictionary<string, object> InferSpeed()
{
    var model = BenchModels.Build(o);
    if (model is MoCoGan gan) return GanInferSpeed(gan);
    model.eval();
    int batch = o.Int("batch", 16);
    var (context, future) = RandomBatch(batch);
    if (model is VqVae) context = cat([context, future], 1);                 // the VQ-VAE reconstructs whole clips
    var seconds = new List<double>();
    using (no_grad())
    {
        for (int i = 0; i < o.Int("warmup", 2) + o.Int("steps", 5); i++)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            if (model is VqVae vq) vq.call(context); else ((nn.Module<Tensor, Tensor>)model).call(context);
            if (i >= o.Int("warmup", 2)) seconds.Add(sw.Elapsed.TotalSeconds);
        }
    }
    return new() { ["params"] = BenchModels.Parameters(model), ["batch"] = batch, ["seconds"] = seconds };
}

Dictionary<string, object> Size()
{
    var model = BenchModels.Build(o);
    // No analytic formula for the VQ-VAE, SimVP, MoCoGAN and the transformer yet: the peer's forward hooks count it.
    object flops = o.Required("model") is "vqvae" or "simvp" or "mocogan" or "transformer" ? "n/a" : Flops.Count(o);
    return new() { ["params"] = BenchModels.Parameters(model), ["flops"] = flops };
}

// Trains until this process has used --cpu-seconds of CPU time (all threads) on training steps, then writes its outputs on
// the test clips as .npy for bench/peers/metrics.py: a predictor's 10 raw future frames (metrics.py clips them, as OpenSTL),
// or the VQ-VAE's reconstruction of the whole clip (plus the test set's codebook perplexity and codes in use).
// The protocol is OpenSTL's, through the library's own PredictionMethod: every step draws fresh clips (clips s·B … s·B+B−1
// of the Moving MNIST stream generated from --train's digits and --seed, the same pixels as bench/peers/moving_mnist.py),
// the loss covers every next-frame output of the recurrent models and the transformer, no teacher forcing. The CPU time
// spent generating clips is not counted in the budget.
Dictionary<string, object> Quality()
{
    var model = BenchModels.Build(o);
    var vq = model as VqVae;
    var opt = vq is not null ? Optimizer(model, o.Double("lr", 1e-3)) : null;
    int batch = o.Int("batch", 16), tc = o.Int("context", 10), th = o.Int("horizon", 10);
    var method = vq is null
        ? new PredictionMethod(model, new MethodSettings(o.Double("lr", 1e-3)),
                               new PredictionSettings(tc, th, ScheduledSampling.None, PredictionLoss.AllNextFrames))
        : null;
    var stream = new VideoLab.Data.MovingMnist(new VideoLab.Data.MovingMnistConfig(Frames: tc + th, Size: 64, Seed: o.Int("seed", 0)),
                                               VideoLab.Data.IdxReader.ReadImages(o.Required("train")));
    var test = Npy.ReadClips(o.Required("test"));     // (M, 20, 1, 64, 64)
    double budget = o.Double("cpu-seconds", 60);
    var process = Process.GetCurrentProcess();
    process.Refresh();
    var cpuStart = process.TotalProcessorTime;
    var dataCpu = TimeSpan.Zero;
    var wall = Stopwatch.StartNew();
    int steps = 0;
    double lastLoss = double.NaN;
    model.train();
    while (true)
    {
        process.Refresh();
        if ((process.TotalProcessorTime - cpuStart - dataCpu).TotalSeconds >= budget) break;
        using var scope = NewDisposeScope();
        var dataStart = process.TotalProcessorTime;
        var clips = stack(Enumerable.Range(0, batch).Select(i => stream.Clip((long)steps * batch + i)).ToArray());  // (B, 20, 1, H, W)
        process.Refresh();
        dataCpu += process.TotalProcessorTime - dataStart;
        if (vq is not null)
        {
            opt!.zero_grad();
            var loss = vq.call(clips).Losses.Total;
            loss.backward();
            opt.step();
            lastLoss = loss.item<float>();
        }
        else lastLoss = method!.TrainStep(clips, new StepContext(steps, 0, null, null))["loss"];
        steps++;
    }
    process.Refresh();
    double cpuUsed = (process.TotalProcessorTime - cpuStart - dataCpu).TotalSeconds, wallUsed = wall.Elapsed.TotalSeconds;
    model.eval();
    var outputs = new List<Tensor>();
    var codes = new List<Tensor>();
    using (no_grad())
    {
        for (long i = 0; i < test.shape[0]; i += batch)
        {
            using var scope = NewDisposeScope();
            var clips = test.narrow(0, i, Math.Min(batch, test.shape[0] - i));                         // (b, 20, 1, H, W)
            if (vq is not null)
            {
                var output = vq.call(clips);
                outputs.Add(output.Reconstruction.squeeze(2).MoveToOuterDisposeScope());                // (b, 20, H, W)
                codes.Add(output.Codes.MoveToOuterDisposeScope());                                     // (b, t, h, w)
            }
            else
                outputs.Add(((nn.Module<Tensor, Tensor>)model).call(clips[.., ..tc]).squeeze(2).MoveToOuterDisposeScope());  // (b, Th, H, W), raw
        }
    }
    Npy.WriteFloat(o.Required("out"), cat(outputs, 0));                                              // (M, Th or 20, H, W)
    var result = new Dictionary<string, object>
    {
        ["params"] = BenchModels.Parameters(model), ["steps"] = steps, ["cpu_seconds"] = cpuUsed,
        ["wall_seconds"] = wallUsed, ["last_loss"] = lastLoss, ["batch"] = batch, ["seed"] = o.Int("seed", 0),
    };
    if (vq is not null)
    {
        // Perplexity of the code histogram over the whole test set: exp(entropy), the number of codes in effective use.
        var histogram = vq.Quantizer.CodeHistogram(cat(codes, 0));
        double total = histogram.Sum();
        double entropy = -histogram.Where(n => n > 0).Sum(n => n / total * Math.Log(n / total));
        result["perplexity"] = Math.Exp(entropy);
        result["codes_used"] = histogram.Count(n => n > 0);
        result["codebook_size"] = histogram.Length;
    }
    return result;
}

// For the peer's `check` verb: writes the model's state dict (one .npy per tensor, named as in the state dict),
// a random context and this model's prediction from it (eval mode) under --out, so that the PyTorch mirror can
// load the same weights by name and compare outputs. Every parameter is first moved off its initial value
// (+ 0.1·N(0, 1)): a LayerNorm at weight 1 / bias 0, or a readout initialised near zero, would hide a tensor
// loaded into the wrong place.
Dictionary<string, object> Check()
{
    var model = BenchModels.Build(o) as nn.Module<Tensor, Tensor>
                ?? throw new ArgumentException("bench check: only models called on a context (the predictors).");
    model.eval();
    using (no_grad())
        foreach (var p in model.parameters()) p.add_(randn_like(p) * 0.1);
    var folder = Directory.CreateDirectory(Path.Combine(o.Required("out"), "state")).Parent!.FullName;
    foreach (var (name, value) in model.state_dict()) Npy.WriteFloat(Path.Combine(folder, "state", name + ".npy"), value);
    var (context, _) = RandomBatch(o.Int("batch", 2));                           // (B, Tc, C, H, W)
    using (no_grad())
    {
        Npy.WriteFloat(Path.Combine(folder, "input.npy"), context);
        Npy.WriteFloat(Path.Combine(folder, "output.npy"), model.call(context));  // (B, Th, C, H, W)
    }
    return new() { ["params"] = BenchModels.Parameters(model), ["tensors"] = model.state_dict().Count, ["out"] = folder };
}
