using Plotly.NET;
using TorchSharp;
using VideoLab.Training;
using static TorchSharp.torch;
using Chart = Plotly.NET.CSharp.Chart;

namespace VideoLab.Plots;

/// <summary>
/// Views of a VQ-VAE codebook (van den Oord et al. 2017, "Neural Discrete Representation Learning"):
/// how often each code is used, the perplexity exp(H(p)) of code usage over training (K means all K codes
/// equally used; a collapse shows as a fall), and a 2-D PCA projection of the code vectors sized by usage.
/// </summary>
public static class CodebookCharts
{
    /// <summary>How many times each of <paramref name="codebookSize"/> codes occurs in <paramref name="codes"/> (any shape, integer).</summary>
    public static long[] Counts(Tensor codes, int codebookSize)
    {
        using var scope = NewDisposeScope();
        var flat = codes.detach().flatten().to(int64).cpu();
        if (flat.numel() > 0 && (flat.min().item<long>() < 0 || flat.max().item<long>() >= codebookSize))
            throw new ArgumentException($"Codes must lie in [0, {codebookSize}); got [{flat.min().item<long>()}, {flat.max().item<long>()}].", nameof(codes));
        return flat.bincount(null, codebookSize).data<long>().ToArray();
    }

    /// <summary>Perplexity exp(−Σ p log p) of the usage distribution.</summary>
    public static double Perplexity(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        if (total <= 0) return 0;
        double entropy = counts.Where(c => c > 0).Sum(c => -(c / total) * Math.Log(c / total));
        return Math.Exp(entropy);
    }

    /// <summary>A bar per code: its count; the title gives codes used and perplexity.</summary>
    public static ChartView Usage(IReadOnlyList<long> counts, int width = 640, int height = 320)
    {
        if (counts.Count == 0) throw new ArgumentException("Empty codebook usage: expected one count per code.", nameof(counts));
        int used = counts.Count(c => c > 0);
        var bars = Chart.Column<long, int, string>(counts, Keys: Enumerable.Range(0, counts.Count).ToArray(), Name: "uses", UseDefaults: false);
        var title = $"Codebook usage: {used}/{counts.Count} codes used, perplexity {Perplexity(counts):F1}";
        return new ChartView(ChartLayout.Style(bars, title, "code", "count", width: width, height: height));
    }

    /// <summary>Perplexity logged during training (<paramref name="key"/> in metrics.jsonl), train and validation.</summary>
    public static ChartView PerplexityCurve(IReadOnlyList<MetricRecord> records, string key = "perplexity", int maxPoints = 2000)
    {
        var chart = LossCurves.Create(records, new LossCurveOptions
        {
            Keys = [key], Smoothing = 0, MaxPoints = maxPoints, Title = "Codebook perplexity", EpochMarkers = false,
        });
        return new ChartView(ChartLayout.With(chart.Chart, "yaxis", new Dictionary<string, object>
        {
            ["title"] = new Dictionary<string, object> { ["text"] = "perplexity" }, ["rangemode"] = "tozero",
        }));
    }

    /// <summary>
    /// The code vectors <c>(K, D)</c> projected on their first two principal components (SVD of the centred
    /// codebook), as bubbles whose area follows usage; unused ("dead") codes are grey crosses.
    /// </summary>
    public static ChartView Projection(Tensor codebook, IReadOnlyList<long>? counts = null, int width = 520, int height = 480)
    {
        var (xy, explained) = Pca2(codebook);
        int k = xy.GetLength(0);
        if (counts is not null && counts.Count != k)
            throw new ArgumentException($"{counts.Count} usage counts for a codebook of {k} codes.", nameof(counts));
        var used = Enumerable.Range(0, k).Where(i => counts is null || counts[i] > 0).ToArray();
        var dead = Enumerable.Range(0, k).Where(i => counts is not null && counts[i] == 0).ToArray();

        double max = counts is null ? 1 : Math.Max(1, counts.Max());
        var sizes = used.Select(i => counts is null ? 10 : (int)Math.Round(6 + 30 * Math.Sqrt(counts[i] / max))).ToArray();
        var traces = new List<GenericChart>
        {
            Chart.Bubble<double, double, string>(used.Select(i => xy[i, 0]), used.Select(i => xy[i, 1]), sizes,
                Name: "used codes", MultiText: used.Select(i => counts is null ? $"code {i}" : $"code {i}: {counts[i]} uses").ToArray(), UseDefaults: false),
        };
        if (dead.Length > 0)
            traces.Add(Chart.Scatter<double, double, string>(dead.Select(i => xy[i, 0]), dead.Select(i => xy[i, 1]),
                StyleParam.Mode.Markers, Name: "unused codes", MarkerColor: Color.fromString("#999"),
                MarkerSymbol: StyleParam.MarkerSymbol.X, MultiText: dead.Select(i => $"code {i}: unused").ToArray(), UseDefaults: false));
        var chart = ChartLayout.Style(Chart.Combine(traces), $"Codebook (K = {k}) on its first two principal components",
                                      $"PC1 ({explained[0]:P0} of variance)", $"PC2 ({explained[1]:P0} of variance)",
                                      width: width, height: height);
        return new ChartView(chart);
    }

    /// <summary>Coordinates <c>(K, 2)</c> on the first two principal components and their explained-variance ratios.</summary>
    public static (double[,] Coordinates, double[] Explained) Pca2(Tensor codebook)
    {
        if (codebook.dim() != 2 || codebook.shape[0] < 2)
            throw new ArgumentException($"A codebook must be (K, D) with K ≥ 2; got ({string.Join(", ", codebook.shape)}).", nameof(codebook));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = codebook.detach().to(float64).cpu();
        x = x - x.mean([0], keepdim: true);                          // (K, D), centred
        var (u, s, _) = linalg.svd(x, fullMatrices: false);          // u (K, r), s (r)
        int r = (int)s.shape[0];
        var coords = new double[x.shape[0], 2];
        var scores = (u * s.unsqueeze(0)).data<double>().ToArray();  // (K, r) row-major: scores on every component
        for (int i = 0; i < coords.GetLength(0); i++)
            for (int j = 0; j < Math.Min(2, r); j++) coords[i, j] = scores[i * r + j];
        var variance = s.square().data<double>().ToArray();
        double total = variance.Sum();
        var explained = new double[2];
        for (int j = 0; j < Math.Min(2, r); j++) explained[j] = total > 0 ? variance[j] / total : 0;
        return (coords, explained);
    }
}
