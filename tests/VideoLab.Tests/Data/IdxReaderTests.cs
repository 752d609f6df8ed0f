using System.Buffers.Binary;
using VideoLab.Data;

namespace VideoLab.Tests.Data;

public class IdxReaderTests
{
    /// <summary>Debian's dataset-fashion-mnist (tests/system-packages.txt): the original gzip IDX files.</summary>
    public const string FashionTestImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    const string FashionTestLabels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";

    static readonly Lazy<IdxArray> Fashion = new(() => IdxReader.ReadImages(FashionTestImages));
    /// <summary>The 10,000 Fashion-MNIST test images, read once for all tests.</summary>
    public static IdxArray FashionImages => Fashion.Value;

    static byte[] Header(byte type, params int[] dims)
    {
        var bytes = new byte[4 + 4 * dims.Length];
        bytes[2] = type; bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        return bytes;
    }

    [Fact]
    public void Reads_the_real_fashion_mnist_test_images_from_gzip()
    {
        var images = FashionImages;
        Assert.Equal(new[] { 10_000, 28, 28 }, images.Shape);
        Assert.Equal(784, images.ItemSize);
        Assert.Equal(0, images.Data.Min());
        Assert.Equal(255, images.Data.Max());
        // Fashion-MNIST items are centred on black: the corners of the first image are background.
        Assert.Equal(0, images.Item(0)[0]);
        Assert.True(images.Item(0).ToArray().Count(b => b > 0) > 100, "the first image is almost empty");
    }

    [Fact]
    public void Reads_labels_but_refuses_them_as_images()
    {
        var labels = IdxReader.Read(FashionTestLabels);
        Assert.Equal(new[] { 10_000 }, labels.Shape);
        Assert.Equal(9, labels.Data.Max());  // ten classes, 0..9
        var e = Assert.Throws<DataFileException>(() => IdxReader.ReadImages(FashionTestLabels));
        Assert.Contains("t10k-labels", e.Message);
        Assert.Contains("labels file", e.Message);
    }

    [Fact]
    public void Reads_a_plain_uncompressed_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("tiny-images-idx3-ubyte");
        var pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        File.WriteAllBytes(path, [.. Header(0x08, 2, 3, 4), .. pixels]);
        var idx = IdxReader.ReadImages(path);
        Assert.Equal(new[] { 2, 3, 4 }, idx.Shape);
        Assert.Equal(pixels, idx.Data);
        Assert.Equal(pixels[12..], idx.Item(1).ToArray());
        Assert.True(IdxReader.LooksLikeIdx(path));
    }

    [Fact]
    public void A_missing_file_names_the_file_and_where_to_get_data()
    {
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read("/nonexistent/train-images-idx3-ubyte"));
        Assert.Contains("/nonexistent/train-images-idx3-ubyte", e.Message);
        Assert.Contains("not found", e.Message);
        Assert.Contains("IDX", e.Message);
    }

    [Fact]
    public void A_truncated_file_says_how_many_values_were_declared_and_found()
    {
        using var dir = new TempFolder();
        var path = dir.File("short-idx3-ubyte");
        File.WriteAllBytes(path, [.. Header(0x08, 10, 28, 28), .. new byte[100]]);
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("7,840", e.Message);
        Assert.Contains("100", e.Message);
    }

    [Fact]
    public void A_truncated_gzip_file_is_reported()
    {
        using var dir = new TempFolder();
        var path = dir.File("cut-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, File.ReadAllBytes(FashionTestImages)[..5000]);
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.True(e.Message.Contains("truncated") || e.Message.Contains("corrupt"), e.Message);
    }

    [Fact]
    public void A_zero_length_file_is_reported_as_empty()
    {
        using var dir = new TempFolder();
        var path = dir.File("empty-idx3-ubyte");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read(path));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void A_wrong_magic_number_is_reported_with_the_expected_one()
    {
        using var dir = new TempFolder();
        var path = dir.File("not-idx");
        File.WriteAllBytes(path, "PK\u0003\u0004 a zip file, not IDX"u8.ToArray());
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read(path));
        Assert.Contains("wrong magic number 504B0304", e.Message);
        Assert.Contains("00000803", e.Message);
        Assert.False(IdxReader.LooksLikeIdx(path));
    }

    [Fact]
    public void A_float_idx_file_is_refused_naming_its_type()
    {
        using var dir = new TempFolder();
        var path = dir.File("floats-idx3");
        File.WriteAllBytes(path, [.. Header(0x0D, 1, 2, 2), .. new byte[16]]);
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read(path));
        Assert.Contains("float32", e.Message);
        Assert.Contains("expected unsigned bytes", e.Message);
    }
}
