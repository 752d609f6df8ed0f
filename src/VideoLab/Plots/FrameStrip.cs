using TorchSharp;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Plots;

/// <summary>
/// Frames as one PNG picture a person opens without a player: rows of frames side by side, separated by gray lines —
/// a prediction as context | ground truth | prediction | |error| (<see cref="SavePrediction"/>), or a batch of clips one
/// per row (<see cref="SaveClips"/>). Frames are <c>(C, H, W)</c> in [0, 1] (clamped), C = 1 or 3; gray rows are shown
/// in colour pictures by repeating their channel.
/// </summary>
public static class FrameStrip
{
    const float GapValue = 0.5f;  // gray: visible between black frames and between white ones

    /// <summary>Rows of frames, each <c>(T_i, C_i, H, W)</c>, as one image <c>(C, H', W')</c>; shorter rows end early.</summary>
    public static Tensor Compose(IReadOnlyList<Tensor> rows, int gap = 2)
    {
        if (rows.Count == 0) throw new ArgumentException("A frame strip needs at least one row of frames.");
        foreach (var row in rows) FrameImages.CheckClip(row, "row");
        long h = rows[0].shape[2], w = rows[0].shape[3];
        if (rows.Any(r => r.shape[2] != h || r.shape[3] != w))
            throw new ArgumentException($"Every frame of a strip must be {h}×{w}; got rows of {string.Join(", ", rows.Select(r => $"{r.shape[2]}×{r.shape[3]}"))}.");
        long channels = rows.Max(r => r.shape[1]), columns = rows.Max(r => r.shape[0]);
        using var scope = NewDisposeScope();
        var image = full([channels, rows.Count * h + (rows.Count - 1) * gap, columns * w + (columns - 1) * gap], GapValue);  // (C, H', W')
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i].detach().cpu().to(ScalarType.Float32).clamp(0, 1).expand(-1, channels, -1, -1);  // (T_i, C, H, W)
            for (int t = 0; t < row.shape[0]; t++)
            {
                long y = i * (h + gap), x = t * (w + gap);
                image[TensorIndex.Colon, TensorIndex.Slice(y, y + h), TensorIndex.Slice(x, x + w)] = row[t];
            }
        }
        return image.MoveToOuterDisposeScope();
    }

    /// <summary>The strip of <paramref name="rows"/> as PNG bytes, each pixel repeated <paramref name="scale"/> times each way.</summary>
    public static byte[] EncodePng(IReadOnlyList<Tensor> rows, int scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        using var scope = NewDisposeScope();
        var image = Compose(rows);                                                            // (C, H', W')
        if (scale > 1) image = image.repeat_interleave(scale, 1).repeat_interleave(scale, 2);   // (C, H'·s, W'·s)
        return FrameImages.EncodeFrame(image);
    }

    /// <summary>
    /// A prediction of one clip as a PNG file: context <c>(Tc, C, H, W)</c> | ground truth | prediction <c>(horizon, C, H, W)</c> |
    /// |error| (mean over channels), written whole or not at all.
    /// </summary>
    public static void SavePrediction(string path, Tensor context, Tensor truth, Tensor prediction, int scale = 2)
    {
        using var scope = NewDisposeScope();
        var error = FrameImages.AbsoluteError(truth, prediction.clamp(0, 1));  // (horizon, 1, H, W)
        Save(path, EncodePng([context, truth, prediction, error], scale));
    }

    /// <summary>A batch of clips <c>(N, T, C, H, W)</c> as a PNG file, one clip per row.</summary>
    public static void SaveClips(string path, Tensor clips, int scale = 2)
    {
        Modules.VideoShape.Check(clips, "FrameStrip.SaveClips");
        using var scope = NewDisposeScope();
        Save(path, EncodePng(Enumerable.Range(0, (int)clips.shape[0]).Select(i => clips[i]).ToList(), scale));
    }

    static void Save(string path, byte[] png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
