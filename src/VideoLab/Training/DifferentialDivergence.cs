using VideoLab.Models;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>
/// TAU's differential divergence regularisation (Tan et al. 2023, "Temporal Attention Unit: Towards Efficient
/// Spatiotemporal Predictive Learning", CVPR; OpenSTL <c>methods/tau.py</c>, <c>diff_div_reg</c>): the
/// frame-to-frame differences of prediction and truth, each turned into a distribution over the pixels of a
/// frame by a softmax at temperature τ, compared by the KL divergence, averaged over every element. It asks
/// the prediction to move where the truth moves, which plain MSE does not. OpenSTL trains TAU with
/// loss = MSE + α · this, α = 0.1 and τ = 0.1 (configs/mmnist/TAU.py; <see cref="Weight"/>, <see cref="Temperature"/>);
/// like OpenSTL it is 0 for clips of two frames or fewer.
/// </summary>
public static class DifferentialDivergence
{
    /// <summary>OpenSTL's α for TAU on Moving MNIST.</summary>
    public const double Weight = 0.1;
    /// <summary>OpenSTL's τ.</summary>
    public const double Temperature = 0.1;
    const double Eps = 1e-12;  // OpenSTL's guard inside the log

    /// <summary>The regulariser of <paramref name="prediction"/> against <paramref name="truth"/>, both <c>(B, T, C, H, W)</c>: a scalar.</summary>
    public static Tensor Loss(Tensor prediction, Tensor truth, double temperature = Temperature)
    {
        long b = prediction.shape[0], t = prediction.shape[1];
        if (t <= 2) return zeros([], dtype: prediction.dtype, device: prediction.device);
        var gapPrediction = (prediction.narrow(1, 1, t - 1) - prediction.narrow(1, 0, t - 1)).reshape(b, t - 1, -1);  // (B, T − 1, C·H·W)
        var gapTruth = (truth.narrow(1, 1, t - 1) - truth.narrow(1, 0, t - 1)).reshape(b, t - 1, -1);
        var p = (gapPrediction / temperature).softmax(-1);
        var q = (gapTruth / temperature).softmax(-1);
        return (p * (p / (q + Eps) + Eps).log()).mean();
    }

    /// <summary>The weight a model trains with by default: OpenSTL's α for TAU, 0 for every other model.</summary>
    public static double DefaultWeight(object model) => model is SimVp { Config.Translator: SimVpTranslator.Tau } ? Weight : 0;
}
