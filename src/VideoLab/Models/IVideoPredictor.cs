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

/// <summary>
/// A predictor that predicts the next frame after every frame it reads — recurrent models and the causal video
/// transformer — so it can learn from every next-frame output of a clip, not only the predicted future: OpenSTL's
/// recurrent methods take their loss over all T − 1 outputs (<c>next_frames</c> against <c>frames[:, 1:]</c>).
/// </summary>
public interface INextFramePredictor : IVideoPredictor
{
    /// <summary>
    /// The rollout of <see cref="IVideoPredictor.Predict"/>, keeping the outputs made while reading the context:
    /// <c>(B, L, C, H, W)</c> whose last frame predicts frame Tc + horizon, so output j predicts frame
    /// Tc + horizon − L + j + 1 (1-based) of context followed by future. L is Tc − 1 + horizon, or less when the model
    /// sees only a window of the context (the transformer's <c>MaxFrames</c>); the last <paramref name="horizon"/>
    /// outputs are <see cref="IVideoPredictor.Predict"/>'s.
    /// </summary>
    Tensor NextFrames(Tensor context, int horizon, TeacherForcing? teacher = null);
}

/// <summary>The true future frames <c>(B, horizon, C, H, W)</c> and the probability of feeding each one back instead of the prediction.</summary>
public sealed record TeacherForcing(Tensor Truth, double Probability);

/// <summary>A model that samples new clips <c>(count, T, C, H, W)</c> in [0, 1]. Implementations are modules.</summary>
public interface IVideoGenerator
{
    /// <summary>Samples <paramref name="count"/> clips; the same <paramref name="seed"/> gives the same clips.</summary>
    Tensor Sample(int count, long seed);
}
