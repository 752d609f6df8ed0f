using TorchSharp;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>
/// What every predictor config shares: the data it is built for. The registry's defaults are OpenSTL's
/// Moving MNIST sizes (1 channel, 64×64, 10 → 10); a trainer or notebook fits a config to other data with
/// <see cref="WithData"/> (<c>config.WithData(3, 32, 32, 5, 5)</c>), or edits the JSON a checkpoint stores.
/// </summary>
public interface IPredictorConfig
{
    /// <summary>Channels of a frame (1 for Moving MNIST, 3 for colour).</summary>
    int Channels { get; }
    /// <summary>Frame height in pixels.</summary>
    int Height { get; }
    /// <summary>Frame width in pixels.</summary>
    int Width { get; }
    /// <summary>Context frames the model is trained on; <see cref="IVideoPredictor.Predict"/> accepts any number.</summary>
    int ContextFrames { get; }
    /// <summary>Frames the model is trained to predict, and what <c>forward</c> predicts; <c>Predict</c> takes any horizon.</summary>
    int Horizon { get; }
    /// <summary>The same config for data of another shape; the other settings are kept.</summary>
    IPredictorConfig WithData(int channels, int height, int width, int contextFrames, int horizon);
}

/// <summary>
/// Base of the predictors: a module whose <c>forward(context)</c> predicts <see cref="IPredictorConfig.Horizon"/>
/// frames, and <see cref="Predict"/> any number. Checks inputs so that every model fails the same clear way.
/// </summary>
public abstract class PredictorModule : nn.Module<Tensor, Tensor>, IVideoPredictor
{
    readonly IPredictorConfig data;

    protected PredictorModule(string name, IPredictorConfig data) : base(name)
    {
        if (data.Channels < 1 || data.Height < 1 || data.Width < 1 || data.ContextFrames < 1 || data.Horizon < 1)
            throw new ArgumentException(
                $"{name}: channels, height, width, context frames and horizon must be positive, got " +
                $"{data.Channels}, {data.Height}, {data.Width}, {data.ContextFrames}, {data.Horizon}.");
        this.data = data;
    }

    /// <inheritdoc/>
    public abstract Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null);

    /// <summary>(B, Tc, C, H, W) → (B, Horizon, C, H, W) with the config's horizon.</summary>
    public override Tensor forward(Tensor context) => Predict(context, data.Horizon);

    /// <summary>The first lines of every <see cref="Predict"/>: context and teacher shapes, a positive horizon.</summary>
    protected void CheckInputs(Tensor context, int horizon, TeacherForcing? teacher)
    {
        string who = $"{GetType().Name}.Predict context";
        VideoShape.Check(context, who, data.Channels, data.Height, data.Width);
        if (context.shape[1] < 1) throw new VideoShapeException($"{who}: needs at least one context frame, got {VideoShape.Format(context.shape)}.");
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least 1 frame.");
        if (teacher is null) return;
        var expected = new[] { context.shape[0], horizon, data.Channels, data.Height, data.Width };
        if (!teacher.Truth.shape.SequenceEqual(expected))
            throw new VideoShapeException(
                $"{GetType().Name}.Predict teacher: expected the true future {VideoShape.Format(expected)} " +
                $"(B, horizon, C, H, W), got {VideoShape.Format(teacher.Truth.shape)}.");
    }
}
