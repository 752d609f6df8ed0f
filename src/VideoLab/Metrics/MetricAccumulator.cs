using static TorchSharp.torch;

namespace VideoLab.Metrics;

/// <summary>
/// Averages per-frame metrics over many batches: overall (mean over clips and frames, the number in
/// the tables) and per horizon step (mean over clips for predicted frame 1, 2, …: the curves papers plot).
/// Holds plain doubles, so it can live outside every dispose scope.
/// </summary>
public sealed class MetricAccumulator
{
    readonly Dictionary<string, double[]> _sums = new();
    long _clips;

    /// <summary>Number of clips added so far.</summary>
    public long Clips => _clips;

    /// <summary>Adds one batch of predictions against the truth, both <c>(B, T, C, H, W)</c>.</summary>
    public void Add(Tensor prediction, Tensor truth)
    {
        using var scope = NewDisposeScope();
        Add(FrameMetrics.All(prediction, truth));
    }

    /// <summary>Adds per-frame values, each <c>(B, T)</c>, all with the same B and T.</summary>
    public void Add(IReadOnlyDictionary<string, Tensor> perFrame)
    {
        long batch = -1;
        foreach (var (name, values) in perFrame)
        {
            if (values.dim() != 2) throw new ArgumentException($"Metric '{name}': expected per-frame values (B, T), got ({string.Join(", ", values.shape)}).");
            if (batch >= 0 && values.shape[0] != batch) throw new ArgumentException($"Metric '{name}' has {values.shape[0]} clips, the others {batch}.");
            batch = values.shape[0];
            var perStep = values.to(ScalarType.Float64).sum([0L]).cpu().data<double>().ToArray();  // (T): summed over clips
            if (!_sums.TryGetValue(name, out var sums)) _sums[name] = sums = new double[perStep.Length];
            if (sums.Length != perStep.Length)
                throw new ArgumentException($"Metric '{name}': {perStep.Length} frames per clip, earlier batches had {sums.Length}.");
            for (int i = 0; i < sums.Length; i++) sums[i] += perStep[i];
        }
        if (batch > 0) _clips += batch;
    }

    /// <summary>Mean over clips for each predicted frame: <c>curve[k]</c> is frame k+1 of the horizon.</summary>
    public IReadOnlyDictionary<string, double[]> Curves() =>
        _sums.ToDictionary(kv => kv.Key, kv => kv.Value.Select(s => _clips == 0 ? double.NaN : s / _clips).ToArray());

    /// <summary>Mean over clips and frames, per metric (+∞ PSNR if any frame was reproduced exactly).</summary>
    public IReadOnlyDictionary<string, double> Means() =>
        Curves().ToDictionary(kv => kv.Key, kv => kv.Value.Length == 0 ? double.NaN : kv.Value.Average());
}
