using static TorchSharp.torch;

namespace VideoLab.Tests.Models;

/// <summary>Small deterministic clips for model tests: bright squares moving in straight lines, bouncing at the walls.</summary>
static class TestClips
{
    /// <summary>(batch, frames, channels, size, size) in [0, 1]; clip b's square starts and moves by a function of (seed, b).</summary>
    public static Tensor MovingSquares(int batch, int frames, int channels, int size, int seed = 1)
    {
        var rng = new Random(seed);
        int side = Math.Max(2, size / 4);
        var pixels = new float[batch * frames * channels * size * size];
        for (int b = 0; b < batch; b++)
        {
            int x = rng.Next(0, size - side), y = rng.Next(0, size - side);
            int vx = rng.Next(2) == 0 ? -1 : 1, vy = rng.Next(2) == 0 ? -1 : 1;
            float brightness = 0.5f + 0.5f * (float)rng.NextDouble();
            for (int t = 0; t < frames; t++)
            {
                for (int c = 0; c < channels; c++)
                for (int i = y; i < y + side; i++)
                for (int j = x; j < x + side; j++)
                    pixels[(((b * frames + t) * channels + c) * size + i) * size + j] = brightness * (c + 1) / channels;
                if (x + vx < 0 || x + vx > size - side) vx = -vx;
                if (y + vy < 0 || y + vy > size - side) vy = -vy;
                x += vx; y += vy;
            }
        }
        return tensor(pixels, [batch, frames, channels, size, size]);
    }
}
