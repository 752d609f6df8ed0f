using System.Text;
using VideoLab.Data;

namespace VideoLab.Tests.Data;

public class NpyReaderTests
{
    /// <summary>A small stand-in for mnist_test_seq.npy: (T=4, N=3, 8, 8), value = 10·t + 40·i + (pixel % 7).</summary>
    static byte[] Sequences(int t = 4, int n = 3, int size = 8)
    {
        var data = new byte[t * n * size * size];
        for (int f = 0; f < t; f++)
            for (int i = 0; i < n; i++)
                for (int p = 0; p < size * size; p++)
                    data[((f * n) + i) * size * size + p] = (byte)(10 * f + 40 * i + p % 7);
        return data;
    }

    [Fact]
    public void The_test_set_reads_clips_across_the_time_major_layout()
    {
        using var dir = new TempFolder();
        var path = dir.File("seq.npy");
        NpyReader.WriteUInt8(path, Sequences(), 4, 3, 8, 8);
        var header = NpyReader.ReadHeader(path);
        Assert.Equal(new long[] { 4, 3, 8, 8 }, header.Shape);
        Assert.Equal(0, header.DataOffset % 64);

        var set = new MovingMnistTestSet(path);
        Assert.Equal(3, set.Count);
        Assert.Equal(new ClipShape(4, 1, 8, 8), set.Shape);
        using var clip = set.GetClip(2);
        Assert.Equal(new long[] { 4, 1, 8, 8 }, clip.shape);
        for (int f = 0; f < 4; f++)
            Assert.Equal((10 * f + 80 + 3 % 7) / 255f, clip[f, 0, 0, 3].item<float>(), 6);

        using var shorter = new MovingMnistTestSet(path, frames: 2).GetClip(1);
        Assert.Equal(new long[] { 2, 1, 8, 8 }, shorter.shape);
        Assert.Equal(50 / 255f, shorter[1, 0, 0, 0].item<float>(), 6);
    }

    [Fact]
    public void The_catalog_opens_an_npy_file_as_the_moving_mnist_test_set()
    {
        using var dir = new TempFolder();
        var path = dir.File("mnist_test_seq.npy");
        NpyReader.WriteUInt8(path, Sequences(size: 64), 4, 3, 64, 64);
        var data = DatasetCatalog.Open(new DataSpec("moving-mnist", path, Frames: 4));
        Assert.IsType<MovingMnistTestSet>(data);
        Assert.Equal(new ClipShape(4, 1, 64, 64), data.Shape);
        Assert.Throws<DataFileException>(() => DatasetCatalog.Open(new DataSpec("moving-mnist", path, Frames: 20)));
    }

    [Fact]
    public void A_truncated_file_names_the_bytes_needed_and_found()
    {
        using var dir = new TempFolder();
        var path = dir.File("cut.npy");
        NpyReader.WriteUInt8(path, Sequences(), 4, 3, 8, 8);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        var e = Assert.Throws<DataFileException>(() => new MovingMnistTestSet(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains($"{bytes.Length:N0}", e.Message);
    }

    [Fact]
    public void A_missing_or_empty_file_is_reported()
    {
        var e = Assert.Throws<DataFileException>(() => new MovingMnistTestSet("/nonexistent/mnist_test_seq.npy"));
        Assert.Contains("/nonexistent/mnist_test_seq.npy", e.Message);
        Assert.Contains("NPY", e.Message);
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("empty.npy"), []);
        Assert.Contains("empty", Assert.Throws<DataFileException>(() => NpyReader.ReadHeader(dir.File("empty.npy"))).Message);
    }

    [Fact]
    public void A_wrong_magic_is_reported()
    {
        using var dir = new TempFolder();
        var path = dir.File("fake.npy");
        File.WriteAllText(path, "this is a text file, not numpy");
        var e = Assert.Throws<DataFileException>(() => NpyReader.ReadHeader(path));
        Assert.Contains("not an NPY file", e.Message);
        Assert.Contains("NUMPY", e.Message);
    }

    static void WriteWithHeader(string path, string dict, int dataBytes)
    {
        var header = Encoding.Latin1.GetBytes(dict.PadRight(117) + "\n");  // 10 + 118 = 128 bytes
        using var file = File.Create(path);
        file.Write([0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0]);
        file.Write(header);
        file.Write(new byte[dataBytes]);
    }

    [Fact]
    public void A_float_array_is_refused_naming_its_dtype()
    {
        using var dir = new TempFolder();
        var path = dir.File("floats.npy");
        WriteWithHeader(path, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 4, 4), }", 2 * 16 * 4);
        Assert.Equal(4, NpyReader.ReadHeader(path).ItemSize);
        var e = Assert.Throws<DataFileException>(() => new MovingMnistTestSet(path));
        Assert.Contains("'<f4'", e.Message);
        Assert.Contains("expected uint8", e.Message);
    }

    [Fact]
    public void Fortran_order_and_a_wrong_rank_are_refused()
    {
        using var dir = new TempFolder();
        var fortran = dir.File("fortran.npy");
        WriteWithHeader(fortran, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 1, 4, 4), }", 32);
        Assert.Contains("Fortran", Assert.Throws<DataFileException>(() => new MovingMnistTestSet(fortran)).Message);
        var flat = dir.File("flat.npy");
        WriteWithHeader(flat, "{'descr': '|u1', 'fortran_order': False, 'shape': (32,), }", 32);
        var e = Assert.Throws<DataFileException>(() => new MovingMnistTestSet(flat));
        Assert.Contains("expected 4 dimensions", e.Message);
    }
}
