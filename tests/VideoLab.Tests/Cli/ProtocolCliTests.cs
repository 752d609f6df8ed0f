using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VideoLab.Cli.Commands;
using VideoLab.Data;
using VideoLab.Tests.References;
using VideoLab.Tests.Runtime;
using VideoLab.Tests.Training;
using VideoLab.Training;

namespace VideoLab.Tests.Cli;

/// <summary>
/// What a run shows and writes under OpenSTL's protocol: recipes recorded in config.json, eval's JSON and saved
/// predictions scored by OpenSTL's formulas in Python, baselines in galleries and reports, samples in every format.
/// </summary>
public class ProtocolCliTests
{
    static int Videolab(params string[] args)
    {
        var root = new RootCommand("test") { TrainCommand.Create(), EvalCommand.Create(), SampleCommand.Create() };
        return root.Parse(args).Invoke();
    }

    /// <summary>Runs a verb and returns what it wrote to stdout (Console.Out; Spectre's console is not redirected).</summary>
    static (int Exit, string Output) Captured(params string[] args)
    {
        var previous = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        try { return (Videolab(args), writer.ToString()); }
        finally { Console.SetOut(previous); }
    }

    /// <summary>
    /// OpenSTL's metric() (openstl/core/metrics.py) over whole arrays, as its test loop calls it on the saved preds and
    /// trues: MSE/MAE as means over N and T of per-frame sums, then clipping, then SSIM and PSNR per frame averaged;
    /// and the same for the copy-last-frame baseline made from inputs.npy. Written from a reading of metrics.py.
    /// </summary>
    const string OpenStlScore = """
        import json, sys, warnings
        import numpy as np
        from skimage.metrics import structural_similarity as cal_ssim
        warnings.simplefilter("ignore")
        def metric(pred, true):
            out = {"mse": float(np.mean((pred - true) ** 2, axis=(0, 1)).sum()), "mae": float(np.mean(np.abs(pred - true), axis=(0, 1)).sum())}
            pred = np.minimum(np.maximum(pred, 0), 1)
            ssim = psnr = 0
            for b in range(pred.shape[0]):
                for f in range(pred.shape[1]):
                    ssim += cal_ssim(pred[b, f].swapaxes(0, 2), true[b, f].swapaxes(0, 2), multichannel=True)
                    m = np.mean((pred[b, f].astype(np.float32) - true[b, f].astype(np.float32)) ** 2)
                    psnr += float("inf") if m == 0 else 20 * np.log10(1 / np.sqrt(m))
            out["ssim"] = float(ssim / (pred.shape[0] * pred.shape[1])); out["psnr"] = float(psnr / (pred.shape[0] * pred.shape[1]))
            return out
        d = sys.argv[1]
        pred, true, inputs = np.load(d + "/pred.npy"), np.load(d + "/true.npy"), np.load(d + "/inputs.npy")
        assert pred.dtype == np.float32 and pred.ndim == 5 and pred.shape == true.shape, (pred.dtype, pred.shape, true.shape)
        copy_last = np.repeat(inputs[:, -1:], true.shape[1], axis=1)
        print(json.dumps({"model": metric(pred, true), "copy-last": metric(copy_last, true), "all-black": metric(np.zeros_like(true), true),
                          "shape": list(pred.shape), "inputs": list(inputs.shape)}))
        """;

    [Fact]
    public void Eval_json_and_saved_predictions_agree_with_OpenSTLs_formulas_and_galleries_show_the_baselines()
    {
        lock (SeedLock.Gate)
        {
            var runs = TrainingFixtures.TempDirectory();
            var run = Path.Combine(runs, "tiny");
            Assert.Equal(0, Videolab("train", "--model", "convlstm", "--set", "hiddenChannels=6", "--steps", "3", "--frames", "6", "--image-size", "16",
                                     "--batch-size", "4", "--validate-every", "3", "--validation-batches", "1", "--out", run));
            var gallery = File.ReadAllText(Path.Combine(run, "gallery.html"));
            Assert.Contains("Against the baselines", gallery);
            Assert.Contains("copy-last", gallery);     // in the table and as a line of the per-frame charts
            Assert.Contains("all-black", gallery);
            Assert.Contains("class=\"vl-grid", gallery);  // the static strips, visible without pressing play

            var saved = Path.Combine(runs, "predictions");
            var (exit, output) = Captured("eval", "--checkpoint", run, "--clips", "6", "--batch-size", "4", "--json", "--save-predictions", saved);
            Assert.Equal(0, exit);
            using var printed = JsonDocument.Parse(output);  // one JSON object and nothing else
            var ours = printed.RootElement;
            Assert.Equal(6, ours.GetProperty("clips").GetInt32());

            var reference = JsonDocument.Parse(DebianPython.Run(OpenStlScore, saved)).RootElement;
            Assert.Equal("[6,3,3,16,16]", reference.GetProperty("shape").GetRawText().Replace(" ", ""));  // OpenSTL's (N, T, C, H, W)
            Assert.Equal("[6,3,3,16,16]", reference.GetProperty("inputs").GetRawText().Replace(" ", ""));
            foreach (var metric in new[] { "mse", "mae", "psnr", "ssim" })
            {
                Close(reference.GetProperty("model").GetProperty(metric).GetDouble(), ours.GetProperty(metric).GetDouble(), metric);
                foreach (var baseline in new[] { "copy-last", "all-black" })
                    Close(reference.GetProperty(baseline).GetProperty(metric).GetDouble(),
                          ours.GetProperty("baselines").GetProperty(baseline).GetProperty(metric).GetDouble(), $"{baseline} {metric}");
            }
            Assert.Equal(3, ours.GetProperty("curves").GetProperty("ssim").GetArrayLength());

            foreach (var file in new[] { "strip-0.png", "strip-3.png", "prediction.gif", "prediction.mp4", "report.html", "metrics.json" })
                Assert.True(new FileInfo(Path.Combine(saved, file)).Length > 0, $"{file} was not written");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(saved, "strip-0.png"))[..4]);
            var report = File.ReadAllText(Path.Combine(saved, "report.html"));
            Assert.Contains("copy-last", report);
            Assert.Contains("class=\"vl-grid", report);
        }
    }

    static void Close(double reference, double ours, string what) =>
        Assert.True(Math.Abs(reference - ours) <= 1e-4, $"{what}: OpenSTL's formulas {reference.ToString("R", CultureInfo.InvariantCulture)}, VideoLab {ours.ToString("R", CultureInfo.InvariantCulture)}");

    [Fact]
    public void A_recipe_run_records_the_recipe_every_value_and_what_the_command_line_changed()
    {
        lock (SeedLock.Gate)
        {
            var run = Path.Combine(TrainingFixtures.TempDirectory(), "openstl");
            Assert.Equal(0, Videolab("train", "--model", "convlstm", "--recipe", "openstl", "--data", "shapes", "--size", "tiny", "--frames", "6",
                                     "--image-size", "16", "--batch-size", "2", "--steps", "2", "--validate-every", "2", "--validation-batches", "1", "--out", run));
            var config = Run.Load(run).Config;
            var recipe = config.Recipe!;
            Assert.Equal("openstl", recipe.Name);
            Assert.Contains("configs/mmnist/ConvLSTM.py", recipe.Source);
            Assert.Equal(5e-4, recipe.LearningRate);
            Assert.Equal(["--batch-size", "--frames", "--image-size", "--size", "budget"], recipe.Changed!.Order(StringComparer.Ordinal));
            Assert.Equal(2, config.BatchSize);
            Assert.Equal(LrSchedule.OneCycle, config.Training.Schedule);
            Assert.Equal(5e-4, config.Method!.LearningRate);
            Assert.Equal(OptimizerKind.Adam, config.Method.Optimizer);
            Assert.Equal("50000", config.Method.Option("teacher-decay-steps"));
            Assert.Equal("all", config.Method.Option("loss"));
            Assert.Equal(10_064, config.Data!.Count);  // OpenSTL's 10,000 training clips per epoch, plus 64 held out
            Assert.True(config.Data.FreshEachEpoch);

            Assert.Equal(TrainCommand.BadInput, Videolab("train", "--model", "simvp", "--recipe", "videogpt", "--steps", "1",
                                                         "--out", Path.Combine(TrainingFixtures.TempDirectory(), "wrong")));
        }
    }

    [Fact]
    public void Sample_writes_npy_png_and_videos_beside_the_pt_and_decodes_a_vqvae_prior_through_its_vqvae()
    {
        lock (SeedLock.Gate)
        {
            var runs = TrainingFixtures.TempDirectory();
            string[] small = ["--size", "tiny", "--frames", "8", "--image-size", "16", "--batch-size", "2", "--steps", "1",
                              "--validate-every", "1", "--validation-batches", "1"];
            var vqvae = Path.Combine(runs, "vqvae");
            var prior = Path.Combine(runs, "prior");
            Assert.Equal(0, Videolab(["train", "--model", "vqvae", "--out", vqvae, .. small]));
            Assert.Equal(0, Videolab(["train", "--model", "vqvae-prior", "--option", $"vqvae={vqvae}", "--out", prior, .. small]));

            Assert.Equal(0, Videolab("sample", "--checkpoint", prior, "--count", "2", "--seed", "3"));
            var stem = Path.Combine(prior, RunFiles.Samples, "sample-3");
            using var clips = Run.Load(prior).LoadSample("sample-3");
            Assert.Equal([2L, 8, 3, 16, 16], clips.shape);  // decoded by the VQ-VAE: (N, T, C, H, W)
            using var fromNpy = NpyTensor.Read(stem + ".npy");
            Assert.True(fromNpy.eq(clips).all().item<bool>(), "the .npy holds other values than the .pt");
            foreach (var extension in new[] { ".png", ".gif", ".mp4" })
                Assert.True(new FileInfo(stem + extension).Length > 0, $"no {extension} beside the .pt");

            Assert.Equal(0, Videolab("sample", "--checkpoint", prior, "--count", "1", "--formats", "npy", "--out", Path.Combine(runs, "only.pt")));
            Assert.True(File.Exists(Path.Combine(runs, "only.npy")));
            Assert.False(File.Exists(Path.Combine(runs, "only.pt")));
            Assert.Equal(TrainCommand.BadInput, Videolab("sample", "--checkpoint", prior, "--formats", "avi"));
        }
    }
}
