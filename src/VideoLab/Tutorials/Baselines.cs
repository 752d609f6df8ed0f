using VideoLab.Models;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Tutorials;

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
        var last = context.narrow(1, context.shape[1] - 1, 1);  // (B, 1, C, H, W)
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

/// <summary>The two baselines every tutorial predictor is compared with, under the labels the tables and verdicts use.</summary>
public static class Baselines
{
    /// <summary>Label of <see cref="CopyLastFrame"/>.</summary>
    public const string CopyLast = "copy last frame";
    /// <summary>Label of <see cref="ZeroFrames"/>.</summary>
    public const string AllBlack = "all black";

    /// <summary>Both, as the extra models of <c>Comparison.Evaluate(runs, clips, context, horizon, Baselines.Both)</c>.</summary>
    public static (string Label, nn.Module Model)[] Both => [(CopyLast, new CopyLastFrame()), (AllBlack, new ZeroFrames())];

    /// <summary>The labels of <see cref="Both"/>.</summary>
    public static IReadOnlyList<string> Labels { get; } = [CopyLast, AllBlack];
}
