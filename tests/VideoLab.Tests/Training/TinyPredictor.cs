using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Tests.Training;

/// <summary>
/// A real, tiny next-frame predictor for the training tests: two convolutions map the last frame to the
/// next, rolled out autoregressively; with teacher forcing it feeds the true frame with the given
/// probability (a torch coin flip, so resuming must restore torch's generator).
/// </summary>
sealed class TinyPredictor : nn.Module<Tensor, Tensor>, IVideoPredictor
{
    readonly Conv2d _in;
    readonly Conv2d _out;
    readonly long _channels;

    public TinyPredictor(long channels = 3, long hidden = 8) : base(nameof(TinyPredictor))
    {
        _channels = channels;
        _in = nn.Conv2d(channels, hidden, 3, padding: 1);
        _out = nn.Conv2d(hidden, channels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor frame) => torch.sigmoid(_out.call(nn.functional.relu(_in.call(frame))));  // (B, C, H, W)

    public Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null)
    {
        VideoShape.Check(context, "TinyPredictor.Predict context", channels: _channels);
        var frame = context.select(1, context.shape[1] - 1);  // (B, C, H, W)
        var frames = new List<Tensor>();
        for (int t = 0; t < horizon; t++)
        {
            var next = forward(frame);
            frames.Add(next);
            bool useTruth = teacher is not null && torch.rand(1).item<float>() < teacher.Probability;
            frame = useTruth ? teacher!.Truth.select(1, t) : next;
        }
        return torch.stack(frames, 1);  // (B, horizon, C, H, W)
    }
}

static class TrainingFixtures
{
    /// <summary>16 clips of 6 frames, 3×16×16 bouncing shapes.</summary>
    public static IClipDataset Clips(long count = 16, int frames = 6, int size = 16, long seed = 0) =>
        new BouncingShapes(new BouncingShapesConfig(Frames: frames, Size: size, Count: count, Seed: seed));

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "videolab-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
