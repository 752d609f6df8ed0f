using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Plots;

/// <summary>Frames of a clip as PNG data URIs: tensors <c>(C, H, W)</c> or clips <c>(T, C, H, W)</c>, float in [0, 1], C = 1 or 3.</summary>
public static class FrameImages
{
    /// <summary>One frame <c>(C, H, W)</c> → PNG bytes (values clamped to [0, 1], rounded to 8 bits).</summary>
    public static byte[] EncodeFrame(Tensor frame)
    {
        if (frame.dim() != 3 || frame.shape[0] is not (1 or 3))
            throw new ArgumentException($"A frame must be (C, H, W) with C = 1 or 3; got ({string.Join(", ", frame.shape)}).", nameof(frame));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int c = (int)frame.shape[0], h = (int)frame.shape[1], w = (int)frame.shape[2];
        var bytes = frame.detach().to(float32).clamp(0, 1).mul(255).round()
                         .permute(1, 2, 0)                                       // (H, W, C): PNG interleaves channels
                         .contiguous().to(ScalarType.Byte).cpu().data<byte>().ToArray();
        return Png.Encode(bytes, w, h, c);
    }

    public static string DataUri(Tensor frame) => Png.DataUri(EncodeFrame(frame));

    /// <summary>Every frame of a clip <c>(T, C, H, W)</c> as a data URI.</summary>
    public static string[] DataUris(Tensor clip)
    {
        CheckClip(clip, nameof(clip));
        var uris = new string[clip.shape[0]];
        for (int t = 0; t < uris.Length; t++)
        {
            using var frame = clip[t];  // (C, H, W)
            uris[t] = DataUri(frame);
        }
        return uris;
    }

    /// <summary>Throws unless <paramref name="clip"/> is <c>(T, C, H, W)</c> with C = 1 or 3.</summary>
    public static void CheckClip(Tensor clip, string name)
    {
        if (clip.dim() != 4 || clip.shape[1] is not (1 or 3))
            throw new ArgumentException(
                $"{name} must be one clip (T, C, H, W) with C = 1 or 3; got ({string.Join(", ", clip.shape)}). " +
                "For a batch (B, T, C, H, W) pass batch[i].", name);
    }

    /// <summary>|a − b| averaged over channels, <c>(T, 1, H, W)</c>: the error row of a frame grid.</summary>
    public static Tensor AbsoluteError(Tensor truth, Tensor prediction)
    {
        if (!truth.shape.SequenceEqual(prediction.shape))
            throw new ArgumentException($"Ground truth ({string.Join(", ", truth.shape)}) and prediction ({string.Join(", ", prediction.shape)}) must have the same shape.");
        using var _ = no_grad();
        return (truth.to(float32) - prediction.to(float32)).abs().mean([1], keepdim: true);  // (T, 1, H, W)
    }
}
