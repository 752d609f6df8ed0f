using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// The one tensor layout of VideoLab: a batch of clips is <c>(B, T, C, H, W)</c>, float32, values in [0, 1];
/// a single clip is <c>(T, C, H, W)</c>. Models check their input with <see cref="Check"/> and move between
/// the video layout and the image layout with <see cref="FoldTime"/> / <see cref="UnfoldTime"/>.
/// </summary>
public static class VideoShape
{
    /// <summary>Throws <see cref="VideoShapeException"/> unless <paramref name="x"/> is (B, T, C, H, W) with the given sizes.</summary>
    /// <param name="x">The tensor to check.</param>
    /// <param name="who">Who is checking, for the message (e.g. "ConvLstm.Predict context").</param>
    /// <param name="channels">Expected C, or null for any.</param>
    /// <param name="height">Expected H, or null for any.</param>
    /// <param name="width">Expected W, or null for any.</param>
    public static void Check(Tensor x, string who, long? channels = null, long? height = null, long? width = null)
    {
        var s = x.shape;
        bool ok = s.Length == 5
                  && (channels is null || s[2] == channels)
                  && (height is null || s[3] == height)
                  && (width is null || s[4] == width);
        if (!ok)
            throw new VideoShapeException(
                $"{who}: expected a video batch (B, T, C, H, W) = (B, T, {channels?.ToString() ?? "C"}, " +
                $"{height?.ToString() ?? "H"}, {width?.ToString() ?? "W"}), got ({string.Join(", ", s)}).");
        if (x.dtype != ScalarType.Float32)
            throw new VideoShapeException($"{who}: expected float32 values in [0, 1], got {x.dtype}.");
    }

    /// <summary>(B, T, C, H, W) → (B·T, C, H, W): run an image layer on every frame at once.</summary>
    public static Tensor FoldTime(Tensor x) => x.flatten(0, 1);

    /// <summary>(B·T, C, H, W) → (B, T, C, H, W), the inverse of <see cref="FoldTime"/>.</summary>
    public static Tensor UnfoldTime(Tensor x, long batch) => x.unflatten(0, [batch, x.shape[0] / batch]);

    /// <summary>"(2, 10, 1, 64, 64)": a shape as the messages and docs write it.</summary>
    public static string Format(long[] shape) => $"({string.Join(", ", shape)})";
}

/// <summary>A tensor does not have the shape or type a VideoLab component expects; the message names both.</summary>
public sealed class VideoShapeException(string message) : ArgumentException(message);
