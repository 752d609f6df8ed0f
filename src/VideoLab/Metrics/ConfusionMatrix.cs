namespace VideoLab.Metrics;

/// <summary>
/// Counts of (true class, predicted class) pairs: <c>Counts[t, p]</c> clips of class t were classified as p.
/// The diagonal holds the correct answers; a large off-diagonal cell names a confusion.
/// </summary>
public sealed class ConfusionMatrix
{
    public ConfusionMatrix(IReadOnlyList<string> classes)
    {
        if (classes.Count < 2) throw new ArgumentException($"A confusion matrix needs at least 2 classes, got {classes.Count}.");
        Classes = classes;
        Counts = new long[classes.Count, classes.Count];
    }

    public IReadOnlyList<string> Classes { get; }

    /// <summary><c>Counts[truth, prediction]</c>.</summary>
    public long[,] Counts { get; }

    /// <summary>Clips counted.</summary>
    public long Total { get; private set; }

    /// <summary>Counts one clip.</summary>
    public void Add(int truth, int prediction)
    {
        if ((uint)truth >= (uint)Classes.Count || (uint)prediction >= (uint)Classes.Count)
            throw new ArgumentOutOfRangeException(nameof(truth), $"Classes are 0..{Classes.Count - 1}; got truth {truth}, prediction {prediction}.");
        Counts[truth, prediction]++;
        Total++;
    }

    /// <summary>Fraction of clips on the diagonal (NaN before any clip).</summary>
    public double Accuracy => Total == 0 ? double.NaN : Enumerable.Range(0, Classes.Count).Sum(i => Counts[i, i]) / (double)Total;

    /// <summary>Per true class, the fraction classified correctly (recall); NaN for a class with no clips.</summary>
    public double[] Recall => [.. Enumerable.Range(0, Classes.Count).Select(t =>
    {
        long row = Enumerable.Range(0, Classes.Count).Sum(p => Counts[t, p]);
        return row == 0 ? double.NaN : Counts[t, t] / (double)row;
    })];
}
