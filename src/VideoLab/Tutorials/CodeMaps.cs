using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>
/// VQ-VAE code grids as pictures: every code index gets its own colour, so a clip's <c>(t, h, w)</c> grid of codes can be
/// shown beside its frames (the same colour in two places means the same code).
/// </summary>
public static class CodeMaps
{
    /// <summary>
    /// Codes <c>(t, h, w)</c> (int64, in [0, <paramref name="codebookSize"/>)) → an RGB clip <c>(t, 3, h, w)</c> in [0, 1].
    /// Hues follow the golden angle, so neighbouring indices look different; <paramref name="black"/> (e.g. the background's
    /// code) is drawn black.
    /// </summary>
    public static Tensor Colour(Tensor codes, int codebookSize, long? black = null)
    {
        if (codes.dim() != 3 || codes.dtype != ScalarType.Int64)
            throw new ArgumentException($"CodeMaps.Colour: expected int64 codes (t, h, w), got {codes.dtype} ({string.Join(", ", codes.shape)}).");
        using var scope = NewDisposeScope();
        var palette = Palette(codebookSize);                                         // (K, 3)
        if (black is long b && b >= 0 && b < codebookSize) palette[b] = zeros(3);
        var rgb = palette.index_select(0, codes.cpu().flatten())                     // (t·h·w, 3)
                         .view(codes.shape[0], codes.shape[1], codes.shape[2], 3);   // (t, h, w, 3)
        return rgb.permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();       // (t, 3, h, w)
    }

    /// <summary><paramref name="count"/> distinct colours <c>(count, 3)</c>: HSV with hue k·137.5°, saturation 0.75, value 0.95.</summary>
    public static Tensor Palette(int count)
    {
        var values = new float[count * 3];
        for (int k = 0; k < count; k++)
        {
            double h = (k * 137.508 % 360) / 60, s = 0.75, v = 0.95;
            double c = v * s, x = c * (1 - Math.Abs(h % 2 - 1)), m = v - c;
            var (r, g, bl) = (int)h switch { 0 => (c, x, 0.0), 1 => (x, c, 0.0), 2 => (0.0, c, x), 3 => (0.0, x, c), 4 => (x, 0.0, c), _ => (c, 0.0, x) };
            values[3 * k] = (float)(r + m);
            values[3 * k + 1] = (float)(g + m);
            values[3 * k + 2] = (float)(bl + m);
        }
        return tensor(values, [count, 3]);
    }
}
