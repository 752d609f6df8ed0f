using System.Text.Json.Nodes;
using VideoLab.Data;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Plots;

/// <summary>Small run directories written the way the trainer writes them (RunFiles), for gallery tests.</summary>
static class TestRuns
{
    public static string TempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"videolab-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// A run with <paramref name="steps"/> training records over <paramref name="epochs"/> epochs (loss, and GAN/VQ keys
    /// when asked), a validation record every 50 steps with per-horizon MSE/SSIM, and <c>samples/shapes.pt</c>
    /// (2 bouncing-shapes clips of 20 frames, 64×64) plus a fake <c>samples/shapes.gif</c> export.
    /// </summary>
    public static string Write(string parent, string name, int steps = 300, int epochs = 3, bool gan = false, bool vq = false,
                               double lossScale = 1.0, int horizon = 10, bool samples = true)
    {
        var dir = Path.Combine(parent, name);
        Directory.CreateDirectory(Path.Combine(dir, RunFiles.Samples));
        var config = new JsonObject
        {
            ["model"] = "convlstm", ["seed"] = 42,
            ["config"] = new JsonObject { ["hidden"] = 16, ["lr"] = 1e-3 * lossScale },
            ["data"] = new JsonObject { ["name"] = "shapes", ["frames"] = 20 },
        };
        File.WriteAllText(Path.Combine(dir, RunFiles.Config), config.ToJsonString());

        var rng = new Random(7);
        var lines = new List<string>();
        for (int step = 0; step < steps; step++)
        {
            int epoch = step * epochs / steps;
            double loss = lossScale * (0.5 * Math.Exp(-step / 60.0) + 0.01) * (1 + 0.2 * (rng.NextDouble() - 0.5));
            var values = new Dictionary<string, double> { ["loss"] = loss, ["lr"] = 1e-3 };
            if (gan)
            {
                values["d_loss"] = 1.2 + 0.1 * Math.Sin(step / 10.0);
                values["g_loss"] = 0.8 + 0.1 * Math.Cos(step / 10.0);
                values["d_real"] = 0.6 + 0.05 * rng.NextDouble();
                values["d_fake"] = 0.4 - 0.05 * rng.NextDouble();
            }
            if (vq) values["perplexity"] = 4 + 20 * (1 - Math.Exp(-step / 100.0));
            lines.Add(RunFiles.ToJsonLine(new MetricRecord(step, epoch, "train", step * 0.1, values)));
            if ((step + 1) % 50 == 0)
            {
                var val = new Dictionary<string, double> { ["loss"] = loss * 1.1, ["psnr"] = 20 + step / 50.0 };
                for (int k = 1; k <= horizon; k++)
                {
                    val[$"mse@{k}"] = lossScale * 0.01 * k;
                    val[$"ssim@{k}"] = 0.95 - 0.02 * k;
                }
                lines.Add(RunFiles.ToJsonLine(new MetricRecord(step, epoch, "val", step * 0.1, val)));
            }
        }
        File.WriteAllLines(Path.Combine(dir, RunFiles.Metrics), lines);

        if (!samples) return dir;
        var shapes = new BouncingShapes(new BouncingShapesConfig(Frames: 20, Size: 64, Count: 2, Seed: (long)(lossScale * 10)));
        using var clips = stack([shapes.GetClip(0), shapes.GetClip(1)]);  // (N=2, T=20, C=3, H=64, W=64)
        clips.save(Path.Combine(dir, RunFiles.Samples, "shapes.pt"));
        File.WriteAllBytes(Path.Combine(dir, RunFiles.Samples, "shapes.gif"), "GIF89a"u8.ToArray());
        return dir;
    }

    /// <summary>Records straight from <see cref="Write"/>'s formula, without files.</summary>
    public static List<MetricRecord> Records(int steps, int epochs, bool gan = false)
    {
        var dir = TempDirectory("records");
        try { return RunFiles.ReadMetrics(Write(dir, "r", steps, epochs, gan, samples: false)); }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
