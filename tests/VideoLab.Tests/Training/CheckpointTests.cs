using TorchSharp;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Tests.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Training;

public class CheckpointTests
{
    static (PredictionMethod Method, TinyPredictor Model) Build(long seed)
    {
        Lab.Seed(seed);
        var model = new TinyPredictor();
        return (new PredictionMethod(model, new MethodSettings()), model);
    }

    static float[] Weights(nn.Module m) => m.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();

    static void SaveAt(string path, PredictionMethod method, long step) =>
        Checkpoint.Save(path, new TrainingState(step, 0, step, 1), null, method.Modules, method.Optimizers, 0);

    [Fact]
    public void A_checkpoint_restores_weights_and_the_torch_generator()
    {
        lock (SeedLock.Gate)
        {
            var path = Path.Combine(TrainingFixtures.TempDirectory(), "a.ckpt");
            var (a, modelA) = Build(1);
            SaveAt(path, a, 3);
            using var next = torch.rand(4);  // what the generator gives right after the save

            var (b, modelB) = Build(2);
            Assert.NotEqual(Weights(modelA), Weights(modelB));
            var header = Checkpoint.Restore(path, b.Modules, b.Optimizers);
            Assert.Equal(3, header.State.Step);
            Assert.Equal(Weights(modelA), Weights(modelB));
            using var again = torch.rand(4);
            Assert.Equal(next.data<float>().ToArray(), again.data<float>().ToArray());
        }
    }

    [Fact]
    public void A_write_that_fails_half_way_leaves_the_previous_checkpoint_valid()
    {
        lock (SeedLock.Gate)
        {
            var directory = TrainingFixtures.TempDirectory();
            var path = Path.Combine(directory, "last.ckpt");
            var (method, model) = Build(1);
            SaveAt(path, method, 5);
            var good = File.ReadAllBytes(path);

            // A writer that dies after half the bytes (a kill, a full disk) never replaces the file...
            Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write(good, 0, good.Length / 2);
                throw new IOException("disk full");
            }));
            Assert.Equal(good, File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(directory));  // and leaves no temporary file behind

            // ...and a temporary file left by a process killed mid-write is ignored by readers.
            File.WriteAllBytes(path + ".tmp-deadbeef", good.AsSpan(0, good.Length / 3).ToArray());
            Assert.Equal(5, Checkpoint.Restore(path, method.Modules, method.Optimizers, restoreRng: false).State.Step);
            Assert.Equal(5, Checkpoint.ReadHeader(RunFiles.ResolveCheckpoint(directory)).State.Step);
            Assert.NotEmpty(Weights(model));
        }
    }

    [Fact]
    public void A_file_cut_short_fails_with_a_clear_message()
    {
        lock (SeedLock.Gate)
        {
            var path = Path.Combine(TrainingFixtures.TempDirectory(), "cut.ckpt");
            var (method, _) = Build(1);
            SaveAt(path, method, 1);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 40).ToArray());
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Restore(path, method.Modules, method.Optimizers));
            Assert.Contains("cut short", e.Message);
            File.WriteAllText(path, "not a checkpoint");
            Assert.Throws<InvalidDataException>(() => Checkpoint.ReadHeader(path));
        }
    }

    /// <summary>What an older checkpoint meets when its model has since gained a parameter: the header asks for SimVP with
    /// the attention translator, the weights are of a model without its position embeddings.</summary>
    [Fact]
    public void Weights_that_do_not_fit_the_model_fail_with_a_message_naming_the_file()
    {
        var path = Path.Combine(TrainingFixtures.TempDirectory(), "older.ckpt");
        var entry = ModelRegistry.Get("simvp-attention");
        var config = SimVpConfig.Tiny with { Translator = SimVpTranslator.Attention };
        using var gsta = new SimVp(SimVpConfig.Tiny);
        Checkpoint.Save(path, new TrainingState(1, 0, 1, 0), ModelSpec.Of(entry, config),
                        new Dictionary<string, nn.Module> { ["model"] = gsta }, new Dictionary<string, optim.Optimizer>(), 0);
        var e = Assert.Throws<CheckpointModelMismatchException>(() => Checkpoint.LoadModel(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("train it again", e.Message);
        using var attention = new SimVp(config);
        Assert.Throws<CheckpointModelMismatchException>(() => Checkpoint.Restore(
            path, new Dictionary<string, nn.Module> { ["model"] = attention }, new Dictionary<string, optim.Optimizer>(), restoreRng: false));
    }
}
