using VideoLab.Data;
using VideoLab.Tests.Media;

namespace VideoLab.Tests.Data;

public class DataInspectorTests
{
    [Fact]
    public void Inspects_a_real_idx_file()
    {
        var found = DataInspector.Inspect(IdxReaderTests.FashionTestImages);
        Assert.Equal("IDX", found.Format);
        Assert.Equal("IDX (gzip)", found["format"]);
        Assert.Equal("10,000", found["count"]);
        Assert.Equal("28×28", found["frame size"]);
        Assert.Equal("uint8", found["dtype"]);
        Assert.Equal("0..255", found["value range"]);
    }

    [Fact]
    public void Inspects_an_npy_sequence_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("seq.npy");
        var data = new byte[5 * 3 * 8 * 8];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(10 + i % 50);
        NpyReader.WriteUInt8(path, data, 5, 3, 8, 8);
        var found = DataInspector.Inspect(path);
        Assert.Equal("NPY", found.Format);
        Assert.StartsWith("3 sequences of 5 frames", found["count"]);
        Assert.Equal("8×8", found["frame size"]);
        Assert.Equal("|u1 (uint8)", found["dtype"]);
        Assert.Equal("10..59", found["value range"]);
    }

    [Fact]
    public void Inspects_a_video_and_refuses_other_files()
    {
        var found = DataInspector.Inspect(TestVideos.Ramp());
        Assert.Equal("video", found.Format);
        Assert.StartsWith("h264", found["codec"]);
        Assert.Equal("12", found["frames"]);
        Assert.Equal("32×32", found["frame size"]);
        Assert.Equal("10", found["fps"]);
        Assert.Equal("1.2 s", found["duration"]);
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("notes.txt"), "hello");
        var e = Assert.Throws<DataFileException>(() => DataInspector.Inspect(dir.File("notes.txt")));
        Assert.Contains("neither IDX", e.Message);
    }
}
