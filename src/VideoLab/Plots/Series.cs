namespace VideoLab.Plots;

/// <summary>A named (x, y) series: what one line of a chart draws.</summary>
public sealed record Series(string Name, double[] X, double[] Y)
{
    public int Count => X.Length;
}

/// <summary>Smoothing and downsampling of long training curves.</summary>
public static class SeriesTools
{
    /// <summary>
    /// Exponential moving average with TensorBoard's bias correction:
    /// <c>m_t = w·m_{t−1} + (1−w)·v_t</c>, shown as <c>m_t / (1 − w^t)</c> so the start is not pulled to 0.
    /// <paramref name="weight"/> in [0, 1): 0 returns the values unchanged, 0.9 averages over ≈10 points.
    /// Non-finite values are skipped (the previous smoothed value is repeated).
    /// </summary>
    public static double[] Ema(IReadOnlyList<double> values, double weight)
    {
        if (weight is < 0 or >= 1 || double.IsNaN(weight))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "EMA weight must be in [0, 1) (0 = no smoothing, 0.9 = strong).");
        var smoothed = new double[values.Count];
        double m = 0, correction = 1;
        double last = double.NaN;
        for (int i = 0; i < values.Count; i++)
        {
            if (double.IsFinite(values[i]))
            {
                m = weight * m + (1 - weight) * values[i];
                correction *= weight;
                last = m / (1 - correction);
            }
            smoothed[i] = last;
        }
        return smoothed;
    }

    /// <summary>
    /// At most <paramref name="maxPoints"/> points of a long curve: the x range is cut into
    /// <c>maxPoints / 2</c> buckets of equal count and each keeps its minimum and maximum (in their
    /// original order), so spikes stay visible, unlike plain striding. Short series come back as they are.
    /// </summary>
    public static Series Downsample(Series series, int maxPoints)
    {
        if (maxPoints < 4) throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "Keep at least 4 points per trace.");
        if (series.X.Length != series.Y.Length)
            throw new ArgumentException($"Series '{series.Name}' has {series.X.Length} x values but {series.Y.Length} y values.");
        int n = series.Count;
        if (n <= maxPoints) return series;

        int buckets = maxPoints / 2;
        var xs = new List<double>(maxPoints);
        var ys = new List<double>(maxPoints);
        for (int b = 0; b < buckets; b++)
        {
            int start = (int)((long)b * n / buckets), end = (int)((long)(b + 1) * n / buckets);
            int lo = -1, hi = -1;
            for (int i = start; i < end; i++)
            {
                if (!double.IsFinite(series.Y[i])) continue;
                if (lo < 0 || series.Y[i] < series.Y[lo]) lo = i;
                if (hi < 0 || series.Y[i] > series.Y[hi]) hi = i;
            }
            if (lo < 0) continue;  // a bucket of NaNs draws nothing
            foreach (int i in lo == hi ? [lo] : lo < hi ? new[] { lo, hi } : [hi, lo])
            {
                xs.Add(series.X[i]);
                ys.Add(series.Y[i]);
            }
        }
        return series with { X = [.. xs], Y = [.. ys] };
    }
}
