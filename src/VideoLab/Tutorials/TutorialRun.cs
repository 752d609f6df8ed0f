using VideoLab.Models;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>
/// A model trained (or loaded) in a notebook: the module, what it was built from, and how training went.
/// </summary>
/// <param name="Label">Name shown in tables and legends (e.g. "ConvLSTM (scheduled sampling)").</param>
/// <param name="Model">The trained module, on <see cref="Runtime.Lab.Device"/>.</param>
/// <param name="Spec">Registry name and config (null for a model built by hand).</param>
/// <param name="Directory">Its run directory (config.json, metrics.jsonl, checkpoints, samples); null for a reference checkpoint.</param>
/// <param name="History">Every metric line of the run.</param>
/// <param name="Steps">Optimisation steps done.</param>
/// <param name="Seconds">Wall-clock seconds of training.</param>
/// <param name="Loaded">True when read back from an earlier run instead of trained here.</param>
public sealed record TutorialRun(string Label, nn.Module Model, ModelSpec? Spec, string? Directory,
                                 IReadOnlyList<MetricRecord> History, long Steps, double Seconds, bool Loaded)
{
    /// <summary>Trainable parameters.</summary>
    public long Parameters => Model.parameters().Sum(p => p.numel());

    /// <summary>The model as a predictor (throws for generators).</summary>
    public IVideoPredictor Predictor => Model as IVideoPredictor
        ?? throw new InvalidOperationException($"{Label} ({Model.GetType().Name}) is not a video predictor.");

    /// <summary>The last logged training value of <paramref name="key"/>, or NaN.</summary>
    public double LastTrain(string key = "loss") =>
        History.LastOrDefault(r => r.Split == "train" && r.Values.ContainsKey(key))?.Values[key] ?? double.NaN;

    public override string ToString() =>
        $"{Label}: {Parameters:N0} parameters, {Steps} steps in {Seconds:F0} s{(Loaded ? " (loaded)" : "")}, last loss {LastTrain():G4}";
}
