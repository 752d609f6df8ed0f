using System.CommandLine;
using System.Text.Json.Nodes;
using VideoLab.Cli.Commands;
using VideoLab.Data;
using VideoLab.Interop;
using VideoLab.Tests.Generative;
using VideoLab.Tests.Data;
using VideoLab.Tests.Interop;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Cli;

/// <summary>videolab import, eval, predict and export on an OpenSTL-layout checkpoint, in-process as Program.cs wires them.</summary>
[Collection(OpenStlReferenceCollection.Name)]
public class InteropCliTests(OpenStlReferenceFiles files)
{
    static int Videolab(params string[] args)
    {
        var root = new RootCommand("test") { ImportCommand.Create(), ExportCommand.Create(), PredictCommand.Create(), EvalCommand.Create() };
        return root.Parse(args).Invoke();
    }

    [Theory]
    [InlineData("import")]
    [InlineData("export")]
    [InlineData("predict")]
    public void Every_verb_has_help(string verb) => Assert.Equal(0, Videolab(verb, "--help"));

    /// <summary>A Moving-MNIST-style test file (T, N, H, W) uint8 at the reference TAU's size: 5 frames of 8×8, 6 clips.</summary>
    static string TestSet(TempFolder dir)
    {
        var path = dir.File("mini_test_seq.npy");
        using var pixels = randint(0, 256, [5, 6, 8, 8], generator: new Generator(4)).to(ScalarType.Byte);
        NpyTensor.Write(path, pixels);
        return path;
    }

    [Fact]
    public void Import_then_eval_predict_and_export_work_on_the_run_it_writes()
    {
        using var dir = new TempFolder();
        var run = dir.File("tau-run");
        Assert.Equal(0, Videolab("import", "--from", "openstl", "--model", "tau", "--checkpoint", files.File("tau.pth"),
                                 "--config", files.File("tau-args.json"), "--out", run, "--eval", TestSet(dir)));
        Assert.True(File.Exists(RunFiles.BestCheckpointPath(run)));
        var config = RunConfig.FromJson(File.ReadAllText(Path.Combine(run, RunFiles.Config)));
        Assert.Equal(("tau", "moving-mnist", 5, 8), (config.Model!.Name, config.Data!.Name, config.Data.Frames, config.Data.Size));

        var results = dir.File("eval.json");
        Assert.Equal(0, Videolab("eval", "--checkpoint", run, "--data-path", dir.File("mini_test_seq.npy"), "--out", results));
        var means = JsonNode.Parse(File.ReadAllText(results))!["means"]!;
        Assert.True(means["mse"]!.GetValue<double>() > 0);
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(results))!["horizon"]!.GetValue<int>());

        // predict on the reference input: PyTorch's output, clamped to [0, 1] as predict writes it.
        Assert.Equal(0, Videolab("predict", "--checkpoint", run, "--input", files.File("tau-input.npy"), "--out", dir.File("pred.npy")));
        using (var ours = NpyTensor.Read(dir.File("pred.npy")))
        using (var reference = files.Array("tau-expected.npy"))
            Assert.True(ours.allclose(reference.clamp(0, 1), rtol: 1e-5, atol: 1e-5));
        Assert.Equal(0, Videolab("predict", "--checkpoint", run, "--input", files.File("tau-input.npy"), "--horizon", "7", "--with-context", "--out", dir.File("pred.gif")));
        Assert.Equal("GIF8"u8.ToArray(), File.ReadAllBytes(dir.File("pred.gif"))[..4]);

        // export: OpenSTL names by default for pytorch; safetensors carries the config, so import rebuilds it alone.
        Assert.Equal(0, Videolab("export", "--checkpoint", run, "--format", "pytorch", "--out", dir.File("tau.pth")));
        using (var exported = WeightFiles.Read(dir.File("tau.pth")))
            Assert.Contains("hid.enc.0.block.attn.spatial_gating_unit.fc.0.weight", exported.Keys);
        Assert.True(File.Exists(dir.File("tau.args.json")));
        Assert.Equal(0, Videolab("export", "--checkpoint", run, "--format", "safetensors", "--out", dir.File("tau.safetensors")));
        Assert.Equal(0, Videolab("import", "--from", "videolab", "--checkpoint", dir.File("tau.safetensors"), "--out", dir.File("again")));
        Assert.Equal(0, Videolab("predict", "--checkpoint", dir.File("again"), "--input", files.File("tau-input.npy"), "--out", dir.File("again.npy")));
        using (var first = NpyTensor.Read(dir.File("pred.npy")))
        using (var second = NpyTensor.Read(dir.File("again.npy")))
            Assert.True(TensorCompare.Same(first, second));
    }

    [Fact]
    public void Bad_imports_exit_with_2_and_leave_no_run_behind()
    {
        using var dir = new TempFolder();
        var run = dir.File("run");
        string[] tau = ["import", "--from", "openstl", "--model", "tau", "--checkpoint", files.File("tau.pth")];
        Assert.Equal(TrainCommand.BadInput, Videolab([.. tau, "--out", run]));                                              // no --config
        Assert.Equal(TrainCommand.BadInput, Videolab([.. tau, "--config", files.File("simvp-args.json"), "--out", run]));   // weights of another size
        Assert.Equal(TrainCommand.BadInput, Videolab("import", "--from", "openstl", "--model", "simvp", "--checkpoint", files.File("list.pth"),
                                                     "--config", files.File("simvp-args.json"), "--out", run));
        Assert.Equal(TrainCommand.BadInput, Videolab("import", "--from", "videogpt", "--checkpoint", files.File("videogpt-vqvae.pth"), "--out", run));
        Assert.Equal(TrainCommand.BadInput, Videolab("import", "--from", "videolab", "--checkpoint", files.File("tau.pth"), "--out", run));  // no metadata, no --model
        Assert.False(Directory.Exists(run));
        Assert.Empty(Directory.GetDirectories(dir.Path));  // no temporary run folders either

        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "keep.txt"), "mine");
        Assert.Equal(TrainCommand.BadInput, Videolab([.. tau, "--config", files.File("tau-args.json"), "--out", run]));  // never writes into a used folder
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(run).Select(Path.GetFileName));
    }

    /// <summary>The reference TAU checkpoint imported into a run directory.</summary>
    string ImportTau(TempFolder dir)
    {
        var run = dir.File("run");
        Assert.Equal(0, Videolab("import", "--from", "openstl", "--model", "tau", "--checkpoint", files.File("tau.pth"),
                                 "--config", files.File("tau-args.json"), "--out", run));
        return run;
    }

    [Fact]
    public void Predict_reads_a_video_file_resized_to_the_model()
    {
        using var dir = new TempFolder();
        var run = ImportTau(dir);
        VideoLab.Media.VideoWriter.WriteMp4(rand([6, 3, 16, 16], generator: new Generator(2)), dir.File("clip.mp4"));  // RGB 16×16 for a gray 8×8 model
        Assert.Equal(0, Videolab("predict", "--checkpoint", run, "--input", dir.File("clip.mp4"), "--horizon", "4", "--out", dir.File("p.npy")));
        using var prediction = NpyTensor.Read(dir.File("p.npy"));
        Assert.Equal([1L, 4, 1, 8, 8], prediction.shape);
    }

    [Fact]
    public void Predict_refuses_clips_that_do_not_fit_the_model()
    {
        using var dir = new TempFolder();
        var run = ImportTau(dir);
        NpyTensor.Write(dir.File("big.npy"), rand([1, 3, 1, 16, 16]));          // 16×16 frames for an 8×8 model
        NpyTensor.Write(dir.File("bright.npy"), rand([1, 3, 1, 8, 8]) * 255);   // not in [0, 1]
        foreach (var input in new[] { "big.npy", "bright.npy" })
            Assert.Equal(TrainCommand.BadInput, Videolab("predict", "--checkpoint", run, "--input", dir.File(input), "--out", dir.File("p.npy")));
        Assert.Equal(TrainCommand.BadInput, Videolab("predict", "--checkpoint", run, "--input", files.File("tau-input.npy"), "--out", dir.File("p.txt")));
        Assert.False(File.Exists(dir.File("p.npy")));
    }
}
