using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>
/// The fixed Moving MNIST test set of Srivastava et al. (2015), <c>mnist_test_seq.npy</c>: uint8 of shape
/// (20, N, 64, 64) — time first, N = 10,000 — so that results compare with published tables. Clips are read
/// from disk on demand (the file is 820 MB), each <c>(T, 1, H, W)</c> in [0, 1]. Any NPY file of that layout works.
/// </summary>
public sealed class MovingMnistTestSet : IClipDataset
{
    readonly NpyHeader _header;
    readonly int _fileFrames, _height, _width;
    readonly long _clips;

    /// <param name="path">The .npy file, uint8 (T, N, H, W).</param>
    /// <param name="frames">Frames per clip, the first ones of each sequence; null for all of them.</param>
    public MovingMnistTestSet(string path, int? frames = null)
    {
        _header = NpyReader.ReadUInt8Header(path, 4, "(T, N, H, W) = (20, 10000, 64, 64) as in mnist_test_seq.npy");
        (_fileFrames, _clips, _height, _width) = ((int)_header.Shape[0], _header.Shape[1], (int)_header.Shape[2], (int)_header.Shape[3]);
        int t = frames ?? _fileFrames;
        if (t <= 0 || t > _fileFrames)
            throw new DataFileException(path, $"holds sequences of {_fileFrames} frames; {t} frames per clip were asked for.");
        Shape = new ClipShape(t, 1, _height, _width);
    }

    public string Path => _header.Path;
    public long Count => _clips;
    public ClipShape Shape { get; }

    public Tensor GetClip(long index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"Clip {index} of {Count}.");
        int frame = _height * _width;
        var pixels = new byte[Shape.Frames * frame];
        using var file = File.OpenHandle(_header.Path);
        for (int t = 0; t < Shape.Frames; t++)  // time-major file: frame t of clip i is at (t·N + i)·H·W
            RandomAccess.Read(file, pixels.AsSpan(t * frame, frame), _header.DataOffset + (t * _clips + index) * frame);
        return tensor(MovingMnist.UnitFloats(pixels), [Shape.Frames, 1, _height, _width]);  // (T, 1, H, W)
    }
}
