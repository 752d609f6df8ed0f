using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>
/// A model that continues a clip: context <c>(B, Tc, C, H, W)</c> → prediction <c>(B, horizon, C, H, W)</c>.
/// Any context length and any horizon, including horizons longer than trained (autoregressive rollout).
/// Implementations are <see cref="TorchSharp.torch.nn.Module"/>s.
/// </summary>
public interface IVideoPredictor
{
    /// <summary>
    /// Predicts <paramref name="horizon"/> frames after <paramref name="context"/>. In training, the
    /// prediction method passes <paramref name="teacher"/>: recurrent models then feed the true frame
    /// instead of their own prediction with the given probability (teacher forcing / scheduled sampling);
    /// models that predict all frames at once ignore it.
    /// </summary>
    Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null);
}

/// <summary>The true future frames <c>(B, horizon, C, H, W)</c> and the probability of feeding each one back instead of the prediction.</summary>
public sealed record TeacherForcing(Tensor Truth, double Probability);

/// <summary>A model that samples new clips <c>(count, T, C, H, W)</c> in [0, 1]. Implementations are modules.</summary>
public interface IVideoGenerator
{
    /// <summary>Samples <paramref name="count"/> clips; the same <paramref name="seed"/> gives the same clips.</summary>
    Tensor Sample(int count, long seed);
}
