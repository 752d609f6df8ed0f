using VideoLab.Data;
using VideoLab.Tests.References;
using static TorchSharp.torch;

namespace VideoLab.Tests.Data;

public class NpyTensorTests
{
    [Fact]
    public void NumPy_reads_what_VideoLab_writes_and_the_other_way_round()
    {
        using var dir = new TempFolder();
        using var clips = rand([2, 3, 1, 4, 5], generator: new Generator(7));  // (B, T, C, H, W)
        var ours = dir.File("ours.npy");
        NpyTensor.Write(ours, clips);

        // NumPy loads our file, checks dtype and shape, and writes back 2·x + 1 as float32 and the pixel bytes as uint8.
        var theirs = dir.File("theirs.npy");
        var bytes = dir.File("bytes.npy");
        var summary = DebianPython.Run("""
            import sys, numpy as np
            x = np.load(sys.argv[1])
            np.save(sys.argv[2], (2 * x + 1).astype(np.float32))
            np.save(sys.argv[3], np.round(x * 255).astype(np.uint8))
            print(x.dtype, x.shape)
            """, ours, theirs, bytes).Trim();
        Assert.Equal("float32 (2, 3, 1, 4, 5)", summary);

        using var back = NpyTensor.Read(theirs);
        Assert.Equal(ScalarType.Float32, back.dtype);
        Assert.Equal(clips.shape, back.shape);
        Assert.True(back.allclose(2 * clips + 1, rtol: 0, atol: 1e-6));
        using var pixels = NpyTensor.Read(bytes);
        Assert.Equal(ScalarType.Byte, pixels.dtype);
        Assert.True(pixels.to(ScalarType.Float32).eq((clips * 255).round()).all().item<bool>());
    }

    [Fact]
    public void Write_then_read_is_exact_for_every_supported_type()
    {
        using var dir = new TempFolder();
        foreach (var type in new[] { ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.Int64, ScalarType.Int32, ScalarType.Byte, ScalarType.Bool })
        {
            using var x = (rand(3, 7) * 100).to(type);
            var path = dir.File($"{type}.npy");
            NpyTensor.Write(path, x);
            using var y = NpyTensor.Read(path);
            Assert.Equal(type, y.dtype);
            Assert.True(x.eq(y).all().item<bool>(), $"{type} did not round-trip");
        }
    }

    [Fact]
    public void Unsupported_files_are_refused_with_what_to_do()
    {
        using var dir = new TempFolder();
        var complex = dir.File("complex.npy");
        var fortran = dir.File("fortran.npy");
        DebianPython.Run("""
            import sys, numpy as np
            np.save(sys.argv[1], np.zeros((2, 2), np.complex64))
            np.save(sys.argv[2], np.asfortranarray(np.zeros((2, 3), np.float32)))
            """, complex, fortran);
        Assert.Contains("astype(np.float32)", Assert.Throws<DataFileException>(() => NpyTensor.Read(complex)).Message);
        Assert.Contains("np.ascontiguousarray", Assert.Throws<DataFileException>(() => NpyTensor.Read(fortran)).Message);
        File.WriteAllBytes(dir.File("cut.npy"), File.ReadAllBytes(fortran)[..100]);
        Assert.Contains("truncated", Assert.Throws<DataFileException>(() => NpyTensor.Read(dir.File("cut.npy"))).Message);
        Assert.Contains("not supported", Assert.Throws<ArgumentException>(() => NpyTensor.Write(dir.File("x.npy"), zeros(2, dtype: ScalarType.ComplexFloat32))).Message);
    }
}
