using TorchSharp;
using VideoLab.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace VideoLab.Tests.Models;

/// <summary>
/// <see cref="WinogradConv5x5"/> computes conv2d(x, w, b, padding 2) up to float32 rounding, forward and backward.
/// Errors are measured against a float64 conv2d and compared with float32 conv2d's own error against the same
/// reference: Winograd's transforms add rounding, so the bound is a small multiple of the output's scale, not of conv2d's error.
/// </summary>
public class WinogradConv5x5Tests(ITestOutputHelper output)
{
    // Max abs error relative to the largest |value| of the float64 reference, per tensor. Measured (generator seed 1, the
    // sizes below, largest at 48 → 128): y ≤ 2.9e-6 (abs 1.8e-5), dx ≤ 7.1e-6 (abs 4.5e-5), dw ≤ 1.5e-5 (abs 1.5e-3 of
    // |dw| ≤ 97), db ≤ 1.0e-7. Float32 conv2d itself: y ≤ 1.5e-6, dx ≤ 5.1e-7, dw ≤ 8.3e-7, db ≤ 6.5e-7.
    const double RelativeTolerance = 5e-5;

    [Theory]
    [InlineData(2, 3, 4, 8, 8)]     // even H, W
    [InlineData(2, 5, 6, 7, 9)]     // odd H, W
    [InlineData(3, 4, 2, 6, 5)]     // even H, odd W
    [InlineData(1, 2, 3, 1, 3)]     // smaller than the kernel
    [InlineData(2, 48, 128, 16, 16)] // the ConvLSTM 4 × 32 bench's first-layer gate convolution (16 + 32 → 4·32), batch 2
    public void Forward_and_gradients_match_conv2d(int batch, int cin, int cout, int h, int w)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(1);
        var x64 = randn([batch, cin, h, w], dtype: float64, generator: gen);
        var w64 = randn([cout, cin, 5, 5], dtype: float64, generator: gen) / Math.Sqrt(25 * cin);
        var b64 = randn([cout], dtype: float64, generator: gen);
        var gy64 = randn([batch, cout, h, w], dtype: float64, generator: gen);   // upstream gradient

        var reference = Run(x64, w64, b64, gy64, (x, wt, b) => nn.functional.conv2d(x, wt, b, padding: [2, 2]));
        var direct = Run(x64.to(float32), w64.to(float32), b64.to(float32), gy64.to(float32),
                         (x, wt, b) => nn.functional.conv2d(x, wt, b, padding: [2, 2]));
        var winograd = Run(x64.to(float32), w64.to(float32), b64.to(float32), gy64.to(float32), WinogradConv5x5.Conv);
        // The cells hand it channels-last activations (MemoryFormat): same values.
        var channelsLast = Run(MemoryFormat.ChannelsLastOnCpu(x64.to(float32)), w64.to(float32), b64.to(float32), gy64.to(float32), WinogradConv5x5.Conv);

        string[] names = ["y", "dx", "dw", "db"];
        for (int i = 0; i < 4; i++)
        {
            double scale = reference[i].abs().max().item<double>();
            double errW = (winograd[i].to(float64) - reference[i]).abs().max().item<double>();
            double errD = (direct[i].to(float64) - reference[i]).abs().max().item<double>();
            double errCl = (channelsLast[i] - winograd[i]).abs().to(float64).max().item<double>();
            output.WriteLine($"{names[i]}: max |ref| {scale:G3}, winograd abs {errW:G3} rel {errW / scale:G3}; float32 conv2d abs {errD:G3} rel {errD / scale:G3}; channels-last vs NCHW {errCl:G3}");
            Assert.Equal(reference[i].shape, winograd[i].shape);
            Assert.True(errW <= RelativeTolerance * scale, $"{names[i]}: Winograd error {errW:G3} exceeds {RelativeTolerance} × {scale:G3}");
            Assert.True(errCl <= RelativeTolerance * scale, $"{names[i]}: channels-last input changed the result by {errCl:G3}");
        }
    }

    /// <summary>y, dL/dx, dL/dw, dL/db for L = Σ y ⊙ gy.</summary>
    static Tensor[] Run(Tensor x, Tensor w, Tensor b, Tensor gy, Func<Tensor, Tensor, Tensor?, Tensor> conv)
    {
        x = x.detach().requires_grad_(true);
        w = w.detach().requires_grad_(true);
        b = b.detach().requires_grad_(true);
        var y = conv(x, w, b);
        (y * gy).sum().backward();
        return [y.detach(), x.grad!, w.grad!, b.grad!];
    }

    [Fact]
    public void Output_is_channels_last_and_works_without_bias()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 5, 6);
        var w = randn(4, 3, 5, 5);
        var y = WinogradConv5x5.Conv(x, w);
        Assert.Equal(new long[] { 2, 4, 5, 6 }, y.shape);
        Assert.True(y.permute(0, 2, 3, 1).is_contiguous(), "the result keeps channels-last strides, as the cells' activations");
        Assert.True(y.allclose(nn.functional.conv2d(x, w, padding: [2, 2]), rtol: 1e-4, atol: 1e-4));
    }

    [Theory]
    [InlineData(new long[] { 4, 3, 3, 3 }, "(Cout, Cin, 5, 5)")]   // a 3×3 kernel: F(2×2, 5×5) only
    [InlineData(new long[] { 4, 3, 5, 3 }, "(Cout, Cin, 5, 5)")]   // not square
    [InlineData(new long[] { 4, 3, 25 }, "(Cout, Cin, 5, 5)")]     // flattened
    [InlineData(new long[] { 4, 2, 5, 5 }, "input channels")]      // Cin mismatch
    public void Wrong_weight_shapes_are_refused_with_the_shape(long[] weightShape, string expected)
    {
        using var scope = NewDisposeScope();
        var x = randn(1, 3, 8, 8);
        var e = Assert.Throws<ArgumentException>(() => WinogradConv5x5.Conv(x, randn(weightShape)));
        Assert.Contains(expected, e.Message);
        Assert.Contains(nameof(WinogradConv5x5), e.Message);
    }

    [Fact]
    public void Wrong_input_and_bias_shapes_are_refused()
    {
        using var scope = NewDisposeScope();
        var w = randn(4, 3, 5, 5);
        Assert.Contains("(B, Cin, H, W)", Assert.Throws<ArgumentException>(() => WinogradConv5x5.Conv(randn(3, 8, 8), w)).Message);
        Assert.Contains("bias must be (4)", Assert.Throws<ArgumentException>(() => WinogradConv5x5.Conv(randn(1, 3, 8, 8), w, randn(3))).Message);
    }
}
