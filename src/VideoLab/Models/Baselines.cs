using TorchSharp;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>
/// The two predictions every result is read against, in one place for the CLI (<c>videolab eval</c>), run galleries,
/// notebooks and benchmarks: copy-last-frame (a model must beat it to have learnt motion) and all-black (its MSE is
/// the energy of the future frames; a model near it has learnt to predict the background). Their metrics are
/// computed like any model's (<see cref="Training.Evaluation.Predictors"/>).
/// </summary>
public static class Baselines
{
    /// <summary>Name of <see cref="CopyLastFrame"/> in tables, logs and JSON.</summary>
    public const string CopyLast = "copy-last";
    /// <summary>Name of <see cref="ZeroFrames"/> in tables, logs and JSON.</summary>
    public const string AllBlack = "all-black";

    /// <summary>Both baselines, with their names, as fresh modules.</summary>
    public static IReadOnlyList<(string Name, nn.Module Model)> Create() => [(CopyLast, new CopyLastFrame()), (AllBlack, new ZeroFrames())];
}

/// <summary>
/// Copy-last-frame: predicts the last context frame for every future step, <c>ŷ_{Tc+k} = x_{Tc}</c>. It has no
/// parameters and is the baseline every predictor must beat: strong at k = 1, weak once things have moved.
/// </summary>
public sealed class CopyLastFrame() : nn.Module<Tensor, Tensor>(nameof(CopyLastFrame)), IVideoPredictor
{
    public Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null)
    {
        VideoShape.Check(context, nameof(CopyLastFrame));
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var last = context.narrow(1, context.shape[1] - 1, 1);     // (B, 1, C, H, W)
        return last.expand(-1, horizon, -1, -1, -1).contiguous();  // (B, horizon, C, H, W)
    }

    public override Tensor forward(Tensor context) => Predict(context, (int)context.shape[1]);
}

/// <summary>All-black frames: the trivial baseline whose MSE is the energy of the future frames.</summary>
public sealed class ZeroFrames() : nn.Module<Tensor, Tensor>(nameof(ZeroFrames)), IVideoPredictor
{
    public Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null)
    {
        VideoShape.Check(context, nameof(ZeroFrames));
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        return zeros_like(context.narrow(1, 0, 1)).expand(-1, horizon, -1, -1, -1).contiguous();  // (B, horizon, C, H, W)
    }

    public override Tensor forward(Tensor context) => Predict(context, (int)context.shape[1]);
}
