#:project ../../src/VideoLab/VideoLab.csproj
#:property PublishAot=false
// Trains variants of the tutorials' cpu-mode predictors (another loss, budget, width or teacher forcing) on the tutorials'
// cpu-mode clips, each as its notebook trains it apart from the one change, and prints MSE and SSIM on the 256 test clips
// beside both baselines. It records what was tried to make the four predictors that fail SSIM in cpu mode pass
// (issue 15; results in the notes of bench/results/notebooks-2026-12-02.md). Not part of CI; minutes per variant.
//
//   dotnet run bench/notebooks/variants.cs -- convgru-l1 framegru-l1     (from the repository root; runs go to a temporary folder)
//   dotnet run bench/notebooks/variants.cs -- --list
//   dotnet run bench/notebooks/variants.cs -- --evaluate bench/results/notebooks-2026-12-02/runs transformer framegru
//                                               (saved cpu-mode runs of bench/notebooks/run, scored without training)
//   dotnet run bench/notebooks/variants.cs -- --references framegru framelstm   (notebooks/reference checkpoints, scored)
// Besides MSE and SSIM each line gives the background level: the mean of the clamped prediction over the pixels that are
// black in the truth (87% of them), in 1/255 steps, and the share of those pixels predicted above 2/255. SSIM's luminance
// term in a black window falls to C1 / (μ² + C1), C1 = 0.01², so a haze of μ = 2.5/255 alone halves it.
using TorchSharp;
using static TorchSharp.torch;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;
using VideoLab.Tutorials;

Lab.Mode = LabMode.Cpu;
torch.set_num_threads(Math.Min(Environment.ProcessorCount, 2));
var data = TutorialData.Open();
var recurrent = Tutorial.Budget(ci: 10, cpu: 300, gpu: 1, schedule: LrSchedule.OneCycle);       // notebooks 03 and 07
var attention = Tutorial.Budget(ci: 10, cpu: 800, gpu: 1, schedule: LrSchedule.OneCycle);       // notebook 04 (and 02's SimVP)
var linear = new ScheduledSampling(Start: 1, End: 0, DecayFraction: 1.0);                        // 03's decay
var forced = new ScheduledSampling(Start: 1, End: 1);                                             // 04's full teacher forcing
var free = new ScheduledSampling(Start: 0, End: 0);                                               // the model's own outputs throughout
var l1 = PredictionCriterion.MseL1;
var transformer = TutorialModels.Config<VideoTransformerConfig>("transformer");

var variants = new Dictionary<string, Func<string, TutorialRun>>
{
    ["convgru"] = n => Tutorial.TrainPredictor("convgru", data, recurrent, sampling: linear, runName: n),
    ["convgru-l1"] = n => Tutorial.TrainPredictor("convgru", data, recurrent, sampling: linear, runName: n, criterion: l1),
    ["framegru"] = n => Tutorial.TrainPredictor("framegru", data, recurrent, sampling: linear, runName: n),
    ["framegru-l1"] = n => Tutorial.TrainPredictor("framegru", data, recurrent, sampling: linear, runName: n, criterion: l1),
    ["framegru-512"] = n => Tutorial.TrainPredictor("framegru", data, recurrent, sampling: linear, runName: n,
        config: TutorialModels.Config<FrameRnnConfig>("framegru") with { FeatureSize = 512, HiddenSize = 512 }),
    ["framegru-1500"] = n => Tutorial.TrainPredictor("framegru", data, Tutorial.Budget(ci: 10, cpu: 1_500, gpu: 1, schedule: LrSchedule.OneCycle),
        sampling: linear, runName: n),
    ["framelstm-1500"] = n => Tutorial.TrainPredictor("framelstm", data, Tutorial.Budget(ci: 10, cpu: 1_500, gpu: 1, schedule: LrSchedule.OneCycle),
        sampling: linear, runName: n),
    ["framelstm-l1"] = n => Tutorial.TrainPredictor("framelstm", data, recurrent, sampling: linear, runName: n, criterion: l1),
    ["simvp-attention"] = n => Tutorial.TrainPredictor("simvp-attention", data, recurrent, runName: n),  // 07's recipe
    ["simvp-attention-800"] = n => Tutorial.TrainPredictor("simvp-attention", data, attention, runName: n),
    ["simvp-attention-lr1e-3"] = n => Tutorial.TrainPredictor("simvp-attention", data, recurrent, runName: n, learningRate: 1e-3),
    ["simvp-attention-lr5e-3"] = n => Tutorial.TrainPredictor("simvp-attention", data, recurrent, runName: n, learningRate: 5e-3),
    ["simvp-attention-l1"] = n => Tutorial.TrainPredictor("simvp-attention", data, recurrent, runName: n, criterion: l1),
    ["simvp-attention-800-l1"] = n => Tutorial.TrainPredictor("simvp-attention", data, attention, runName: n, criterion: l1),
    ["transformer-free-300"] = n => Tutorial.TrainPredictor("transformer", data, recurrent, sampling: free, runName: n),
    ["transformer-free-300-l1"] = n => Tutorial.TrainPredictor("transformer", data, recurrent, sampling: free, runName: n, criterion: l1),
    ["transformer-free-800-l1"] = n => Tutorial.TrainPredictor("transformer", data, attention, sampling: free, runName: n, criterion: l1),
    ["transformer-free-1000-l1"] = n => Tutorial.TrainPredictor("transformer", data, Tutorial.Budget(ci: 10, cpu: 1_000, gpu: 1, schedule: LrSchedule.OneCycle),
        sampling: free, runName: n, criterion: l1),
    ["transformer-l1"] = n => Tutorial.TrainPredictor("transformer", data, attention, sampling: forced, runName: n, criterion: l1),
    ["transformer-64-l1"] = n => Tutorial.TrainPredictor("transformer", data, attention, sampling: forced, runName: n, criterion: l1,
        config: transformer with { Dim = 64 }),
};
var clips = data.TestClips(256);
if (args.Length > 0 && args[0] == "--evaluate")
{
    if (args.Length < 3 || !Directory.Exists(Path.Combine(args[1], "cpu")))
    {
        Console.Error.WriteLine("variants.cs --evaluate RUNS NAME…: RUNS is a runs folder with a cpu/ folder of saved runs (bench/notebooks/run writes one).");
        return 2;
    }
    Environment.SetEnvironmentVariable(TutorialPaths.RunsVariable, args[1]);
    foreach (var name in args.Skip(2))
    {
        var saved = Tutorial.Load(name, fits: data);
        if (saved is null) { Console.Error.WriteLine($"variants.cs: no cpu-mode run {name} for these clips in {args[1]}."); return 2; }
        Report(name, saved.Model, saved.Steps, saved.Seconds);
    }
    return 0;
}
if (args.Length > 0 && args[0] == "--references")
{
    foreach (var name in args.Skip(1))
    {
        var reference = TutorialReferences.Load(name);
        if (reference is null) { Console.Error.WriteLine($"variants.cs: no reference {name} in notebooks/reference (run it from the repository root)."); return 2; }
        Report(name + " (reference)", reference.Model, reference.Steps, reference.Seconds);
    }
    return 0;
}
if (args.Length == 0 || args.Contains("--list"))
{
    Console.WriteLine("variants: " + string.Join(", ", variants.Keys));
    return args.Length == 0 ? 2 : 0;
}
var unknown = args.Where(a => !variants.ContainsKey(a)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"variants.cs: unknown variant {string.Join(", ", unknown)}; known: {string.Join(", ", variants.Keys)}.");
    return 2;
}
if (Environment.GetEnvironmentVariable(TutorialPaths.RunsVariable) is not { Length: > 0 })
    Environment.SetEnvironmentVariable(TutorialPaths.RunsVariable, Directory.CreateTempSubdirectory("videolab-variants-").FullName);

foreach (var (name, baseline) in Baselines.Create()) Report(name, baseline, 0, 0);
foreach (var name in args)
{
    var run = variants[name](name);
    Report(name, run.Model, run.Steps, run.Seconds);
}
return 0;

// One line per model: its scores, and its background level against the truth's black pixels.
void Report(string name, nn.Module model, long steps, double seconds)
{
    var s = Comparison.Evaluate([(name, model)], clips, data.Context, data.Horizon).Scores[0];
    var truth = clips.narrow(1, data.Context, data.Horizon);                                          // (N, horizon, C, H, W)
    Tensor prediction;
    using (no_grad())
    {
        model.eval();
        prediction = ((IVideoPredictor)model).Predict(clips.narrow(1, 0, data.Context), data.Horizon).clamp(0, 1);
    }
    var background = prediction.masked_select(truth.eq(0));
    Console.WriteLine($"{name,-24} steps {steps,4}  train {seconds,4:F0} s  MSE {s.Means["mse"],6:F1}  SSIM {s.Means["ssim"]:F3}  " +
                      $"SSIM by horizon {string.Join(" ", s.Curves["ssim"].Select(x => x.ToString("F2")))}  " +
                      $"background {background.mean().item<float>() * 255:F1}/255, {background.gt(2.0 / 255).to(ScalarType.Float32).mean().item<float>():P0} above 2/255");
}
