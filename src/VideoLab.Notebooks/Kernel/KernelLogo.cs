namespace VideoLab.Notebooks.Kernel;

/// <summary>
/// The kernel's logo (Jupyter shows <c>logo-32x32.png</c> / <c>logo-64x64.png</c> from the kernelspec folder in its
/// launcher and kernel menus), drawn here rather than shipped as a file: a film strip — a rounded .NET-purple square
/// with perforations along the top and bottom — around a white play triangle. Each pixel is 4×4 supersampled.
/// </summary>
public static class KernelLogo
{
    /// <summary>The logo as a PNG of <paramref name="size"/>×<paramref name="size"/> pixels (RGBA).</summary>
    public static byte[] Png(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 8);
        const int Samples = 4;
        var pixels = new byte[size * size * 4];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int background = 0, white = 0;
                for (int sy = 0; sy < Samples; sy++)
                    for (int sx = 0; sx < Samples; sx++)
                    {
                        // In [0, 1]², the logo's own coordinates.
                        double u = (x + (sx + 0.5) / Samples) / size, v = (y + (sy + 0.5) / Samples) / size;
                        if (!InRoundedSquare(u, v)) continue;
                        if (InPlayTriangle(u, v) || InPerforation(u, v)) white++;
                        else background++;
                    }
                int covered = background + white, offset = (y * size + x) * 4;
                if (covered == 0) continue;
                // Purple (#512BD4) and white mixed over the covered samples; coverage is the alpha (straight, not premultiplied).
                pixels[offset] = (byte)((0x51 * background + 255 * white) / covered);
                pixels[offset + 1] = (byte)((0x2B * background + 255 * white) / covered);
                pixels[offset + 2] = (byte)((0xD4 * background + 255 * white) / covered);
                pixels[offset + 3] = (byte)(255 * covered / (Samples * Samples));
            }
        return VideoLab.Plots.Png.Encode(pixels, size, size, channels: 4);
    }

    static bool InRoundedSquare(double u, double v)
    {
        const double Margin = 0.04, Radius = 0.18;
        double dx = Math.Max(Math.Max(Margin + Radius - u, u - (1 - Margin - Radius)), 0);
        double dy = Math.Max(Math.Max(Margin + Radius - v, v - (1 - Margin - Radius)), 0);
        return u >= Margin && u <= 1 - Margin && v >= Margin && v <= 1 - Margin && dx * dx + dy * dy <= Radius * Radius;
    }

    static bool InPlayTriangle(double u, double v)
    {
        // Pointing right, centred a little right of the middle so it looks centred.
        const double Left = 0.38, Right = 0.70, Top = 0.32, Bottom = 0.68;
        if (u < Left || u > Right) return false;
        double half = (Bottom - Top) / 2 * (Right - u) / (Right - Left);
        return Math.Abs(v - 0.5) <= half;
    }

    static bool InPerforation(double u, double v)
    {
        bool band = v is >= 0.11 and <= 0.19 || v is >= 0.81 and <= 0.89;
        if (!band) return false;
        double phase = (u - 0.15) / 0.15;  // five holes across
        return u is >= 0.15 and <= 0.88 && phase - Math.Floor(phase) < 0.55;
    }
}
