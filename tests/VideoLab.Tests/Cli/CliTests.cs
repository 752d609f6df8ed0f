using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using VideoLab.Cli.Commands;
using VideoLab.Tests.Runtime;
using VideoLab.Tests.Training;
using VideoLab.Training;

namespace VideoLab.Tests.Cli;

public class CliTests
{
    /// <summary>Runs the verbs in-process, as Program.cs wires them.</summary>
    static int Videolab(params string[] args)
    {
        var root = new RootCommand("test") { TrainCommand.Create(), EvalCommand.Create(), SampleCommand.Create(), RunsCommand.Create() };
        return root.Parse(args).Invoke();
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("sample")]
    [InlineData("runs", "list")]
    public void Every_verb_has_help(params string[] verb) => Assert.Equal(0, Videolab([.. verb, "--help"]));

    [Fact]
    public void Bad_arguments_give_non_zero_exit_codes()
    {
        Assert.NotEqual(0, Videolab("train", "--steps", "many"));          // not a number: a parse error
        Assert.NotEqual(0, Videolab("eval"));                             // --checkpoint is required
        Assert.NotEqual(0, Videolab("train", "--size", "huge"));          // not a size
        Assert.Equal(TrainCommand.BadInput, Videolab("train", "--batch-size", "0", "--steps", "1"));
        Assert.Equal(TrainCommand.BadInput, Videolab("eval", "--checkpoint", "/nonexistent/run"));
        Assert.Equal(TrainCommand.BadInput, Videolab("runs", "list", "--dir", "/nonexistent/runs"));
        Assert.Equal(TrainCommand.BadInput, Videolab("train", "--set", "hiddenChannels", "--steps", "1"));
    }

    [Fact]
    public void The_built_command_names_an_unknown_model_and_exits_with_2()
    {
        var dll = typeof(TrainCommand).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [dll, "train", "--model", "no-such-model", "--steps", "1", "--out", TrainingFixtures.TempDirectory()])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(TrainCommand.BadInput, process.ExitCode);
        Assert.Contains("Unknown model 'no-such-model'", output);
        Assert.Contains("convlstm", output);  // the message lists the known models
    }

    [Fact]
    public void Ctrl_c_saves_the_last_checkpoint_and_exits_with_130()
    {
        var run = Path.Combine(TrainingFixtures.TempDirectory(), "interrupted");
        var dll = typeof(TrainCommand).Assembly.Location;
        // `env --default-signal=INT`: a process started in the background by a non-interactive shell (a CI script, `cmd &`)
        // inherits SIGINT as ignored, and .NET keeps it ignored; a user's Ctrl-C reaches a training whose SIGINT is default.
        var start = new ProcessStartInfo("env", ["--default-signal=INT", "dotnet", dll, "train", "--steps", "100000", "--frames", "4", "--image-size", "8", "--batch-size", "2",
                                                    "--validate-every", "100000", "--checkpoint-every", "100000", "--out", run])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();              // shown if it hangs: where it stopped
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // config.json is written as training starts (the Ctrl-C handler is in place by then).
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!File.Exists(Path.Combine(run, RunFiles.Config)) && DateTime.UtcNow < deadline && !process.HasExited) Thread.Sleep(50);
            Assert.False(process.HasExited, "training ended before it could be interrupted");
            Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit();  // what Ctrl-C sends
            Assert.True(process.WaitForExit(60_000), $"no exit within a minute of SIGINT; {SignalState(process.Id)}; its output so far:\n{string.Join("\n", output.TakeLast(40))}");
            process.WaitForExit();                                                                   // the output read to its end
            Assert.Equal(TrainCommand.Interrupted, process.ExitCode);
            Assert.Contains(output, line => line.Contains("Ctrl-C: stopping after the step under way"));  // the user is told at once
            Assert.True(Checkpoint.ReadHeader(RunFiles.LastCheckpointPath(run)).State.Step >= 1);  // the step under way finishes, then it saves
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    /// <summary>Whether a process ignores or catches SIGINT (signal 2), from /proc: what a lost Ctrl-C needs to be diagnosed.</summary>
    static string SignalState(int pid)
    {
        try
        {
            var lines = File.ReadAllLines($"/proc/{pid}/status");
            bool Has(string key) => lines.FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal)) is { } line
                                    && (Convert.ToUInt64(line[(key.Length + 1)..].Trim(), 16) & 0b10) != 0;
            return $"SIGINT ignored: {Has("SigIgn")}, caught: {Has("SigCgt")}, pending: {Has("ShdPnd") || Has("SigPnd")}, blocked by the main thread: {Has("SigBlk")}";
        }
        catch (IOException e) { return $"signal state unknown ({e.Message})"; }
    }

    [Fact]
    public void Train_eval_sample_resume_and_list_a_tiny_convlstm_run()
    {
        lock (SeedLock.Gate)
        {
            var runs = TrainingFixtures.TempDirectory();
            var run = Path.Combine(runs, "tiny");
            string[] small = ["--frames", "6", "--image-size", "16", "--batch-size", "4"];
            Assert.Equal(0, Videolab(["train", "--model", "convlstm", "--size", "tiny", "--set", "hiddenChannels=6", "--steps", "3", "--out", run,
                                      "--validate-every", "3", "--validation-batches", "1", "--checkpoint-every", "3", .. small]));
            var written = Run.Load(run);
            Assert.Equal("convlstm", written.Config.Model!.Name);
            Assert.Contains("\"hiddenChannels\": 6", written.Config.Model.ConfigJson);
            Assert.Equal(3, Checkpoint.ReadHeader(written.LastCheckpoint!).State.Step);
            Assert.Single(written.Split("val"));
            Assert.True(File.Exists(Path.Combine(run, "gallery.html")));

            var results = Path.Combine(runs, "eval.json");
            Assert.Equal(0, Videolab("eval", "--checkpoint", run, "--clips", "4", "--batch-size", "4", "--out", results));
            using (var json = JsonDocument.Parse(File.ReadAllText(results)))
            {
                Assert.Equal(3, json.RootElement.GetProperty("curves").GetProperty("psnr").GetArrayLength());  // 6 frames: 3 → 3
                Assert.True(json.RootElement.GetProperty("means").GetProperty("mse").GetDouble() > 0);
            }

            Assert.Equal(0, Videolab("sample", "--checkpoint", run, "--count", "2"));
            using (var clips = Run.Load(run).LoadSample("sample-0"))
                Assert.Equal([2L, 6, 3, 16, 16], clips.shape);  // context + prediction: (N, T, C, H, W)

            Assert.Equal(0, Videolab("train", "--resume", run, "--steps", "5"));
            Assert.Equal(5, Checkpoint.ReadHeader(Run.Load(run).LastCheckpoint!).State.Step);
            Assert.Equal(0, Videolab("runs", "list", "--dir", runs));
        }
    }
}
