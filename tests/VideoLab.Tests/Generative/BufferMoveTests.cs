using TorchSharp;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Tests.Generative;

/// <summary>
/// The spectral-norm vector u and the EMA codebook are buffers updated in place: after <c>.to(...)</c>
/// the module must use the moved tensors. A dtype move exercises the same path as a device move
/// (no GPU here).
/// </summary>
public class BufferMoveTests
{
    [Fact]
    public void Spectral_norm_and_the_quantiser_work_after_their_buffers_are_moved()
    {
        using var layer = SpectralNormLayer.Conv2d(3, 6, 3, stride: 1, padding: 1);
        layer.to(ScalarType.Float64);
        layer.train();
        using var x = rand(new long[] { 2, 3, 8, 8 }, dtype: ScalarType.Float64);
        using var y = layer.call(x);
        Assert.Equal(ScalarType.Float64, y.dtype);
        Assert.All(layer.buffers(), b => Assert.Equal(ScalarType.Float64, b.dtype));

        using var vq = new VectorQuantizer(4, 2);
        vq.to(ScalarType.Float64);
        vq.train();
        using var z = rand(new long[] { 1, 2, 1, 2, 2 }, dtype: ScalarType.Float64);
        var output = vq.call(z);
        Assert.Equal(ScalarType.Float64, output.Quantized.dtype);
        Assert.Equal(ScalarType.Float64, vq.Codebook.dtype);
        Assert.True(vq.Codebook.isfinite().all().item<bool>());
    }
}
