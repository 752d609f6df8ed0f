using TorchSharp;
using static TorchSharp.torch;
using Chart = Plotly.NET.CSharp.Chart;

namespace VideoLab.Plots;

/// <summary>
/// Attention weights over a frame: the frame as a Plotly image trace and the weights (h, w) as a
/// semi-transparent heatmap stretched over it (each weight covers an (H/h)×(W/w) patch, as in ViT-style patching).
/// </summary>
public static class AttentionMap
{
    /// <summary>
    /// <paramref name="frame"/> <c>(C, H, W)</c> in [0, 1] under <paramref name="attention"/> weights <c>(h, w)</c> over patches
    /// (e.g. one query's row of the attention matrix, reshaped), drawn with <paramref name="opacity"/>.
    /// </summary>
    public static ChartView Create(Tensor frame, Tensor attention, string title = "Attention", double opacity = 0.5, int size = 420)
    {
        if (attention.dim() != 2)
            throw new ArgumentException($"Attention must be a (h, w) map over patches; got ({string.Join(", ", attention.shape)}). " +
                                        "Reshape a row of the attention matrix to the patch grid first.", nameof(attention));
        int h = (int)attention.shape[0], w = (int)attention.shape[1];
        int height = (int)frame.shape[^2], width = (int)frame.shape[^1];
        double cellH = (double)height / h, cellW = (double)width / w;

        float[] weights;
        using (no_grad()) weights = attention.detach().to(float32).cpu().contiguous().data<float>().ToArray();
        var z = Enumerable.Range(0, h).Select(i => weights.Skip(i * w).Take(w).Select(v => (double)v).ToArray()).ToArray();
        // Heatmap cell centres in image pixel coordinates (pixel centres run 0..W−1).
        var xs = Enumerable.Range(0, w).Select(j => (j + 0.5) * cellW - 0.5).ToArray();
        var ys = Enumerable.Range(0, h).Select(i => (i + 0.5) * cellH - 0.5).ToArray();

        var image = Chart.Image<int>(Source: FrameImages.DataUri(frame), Name: "frame", UseDefaults: false);
        var heat = Chart.Heatmap<double, double, double, string>(z, X: xs, Y: ys, Name: "attention", Opacity: opacity,
                                                                  ColorScale: Plotly.NET.StyleParam.Colorscale.Hot, UseDefaults: false);
        var chart = ChartLayout.Style(Plotly.NET.CSharp.Chart.Combine([image, heat]), title, "x", "y", width: size, height: size);
        chart = ChartLayout.With(chart, "yaxis", new Dictionary<string, object>
        {
            ["autorange"] = "reversed", ["scaleanchor"] = "x", ["showgrid"] = false,
        });
        return new ChartView(chart);
    }
}
