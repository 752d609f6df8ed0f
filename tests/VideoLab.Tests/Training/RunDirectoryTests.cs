using VideoLab.Data;
using VideoLab.Runtime;
using VideoLab.Tests.Runtime;
using VideoLab.Training;

namespace VideoLab.Tests.Training;

public class RunDirectoryTests
{
    [Fact]
    public void A_run_directory_read_back_equals_what_was_written()
    {
        lock (SeedLock.Gate)
        {
            var directory = TrainingFixtures.TempDirectory();
            Lab.Seed(1);
            var methodSettings = new MethodSettings(LearningRate: 2e-3, Options: new Dictionary<string, string> { ["context"] = "3" });
            var method = new PredictionMethod(new TinyPredictor(), methodSettings);
            var settings = new TrainerSettings(Steps: 4, Seed: 11, LogEvery: 1, ValidateEvery: 2, ValidationBatches: 1, CheckpointEvery: 2, SampleCount: 2);
            var data = new DataSpec("shapes", Frames: 6, Size: 16, Count: 16);
            var spec = new ModelSpec("tiny", "{\"hidden\": 8}");
            var trainer = new Trainer(method, settings) { RunDirectory = directory, Data = data, MethodSettings = methodSettings, Model = spec };
            trainer.Fit(new ClipLoader(DatasetCatalog.Open(data), 4, seed: 1), new ClipLoader(DatasetCatalog.Open(data with { Seed = 1, Count = 4 }), 4, shuffle: false));

            var run = Run.Load(directory);
            Assert.Equal(settings, run.Config.Training);
            Assert.Equal(data, run.Config.Data);
            Assert.Equal(11, run.Config.Seed);
            Assert.Equal(spec.Name, run.Config.Model!.Name);
            Assert.Equal(8, System.Text.Json.JsonDocument.Parse(run.Config.Model.ConfigJson).RootElement.GetProperty("hidden").GetInt32());
            Assert.Equal(methodSettings.LearningRate, run.Config.Method!.LearningRate);
            Assert.Equal("3", run.Config.Method.Option("context"));
            Assert.Equal(Lab.Report().TorchSharpVersion, run.Config.Versions!.TorchSharpVersion);

            Assert.Equal(trainer.History.Count, run.Metrics.Count);
            foreach (var (written, read) in trainer.History.Zip(run.Metrics))
            {
                Assert.Equal((written.Step, written.Epoch, written.Split, written.Seconds), (read.Step, read.Epoch, read.Split, read.Seconds));
                Assert.Equal(written.Values.OrderBy(kv => kv.Key), read.Values.OrderBy(kv => kv.Key));
            }
            Assert.Equal(4, run.Split("train").Count());
            Assert.Equal(2, run.Split("val").Count());
            Assert.True(run.Split("val").All(r => r.Values.ContainsKey("ssim") && r.Values.ContainsKey("psnr")));
            // Per-horizon curves: 6 frames with context 3 → 3 predicted frames, "mse@1" … "mse@3", averaging to "mse".
            var last = run.Split("val").Last().Values;
            Assert.False(last.ContainsKey("mse@4"));
            Assert.Equal(last["mse"], (last["mse@1"] + last["mse@2"] + last["mse@3"]) / 3, 6);

            Assert.Equal(4, Checkpoint.ReadHeader(run.LastCheckpoint!).State.Step);
            Assert.NotNull(run.BestCheckpoint);
            Assert.Equal(spec, Checkpoint.ReadHeader(run.LastCheckpoint!).Model);
            Assert.Equal(["prediction", "truth"], run.Samples.Keys.ToArray());
            using var truth = run.LoadSample("truth");
            Assert.Equal([2L, 6, 3, 16, 16], truth.shape);  // (N, T, C, H, W)
        }
    }
}
