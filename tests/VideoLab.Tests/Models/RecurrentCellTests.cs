using TorchSharp;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Tests.Models;

/// <summary>The gates of the recurrent cells do what the papers' equations say.</summary>
public class RecurrentCellTests
{
    const int Hidden = 4;

    /// <summary>A GRU cell whose input-gate biases for z and r are set to the given values (saturating the gates).</summary>
    static ConvGruCell GruWithGateBiases(double z, double r)
    {
        var cell = new ConvGruCell("gru", 2, Hidden, 3);
        using var _ = no_grad();
        var bias = cell.named_parameters().Single(p => p.name == "inputGates.bias").parameter;  // [z, r, ĥ] × Hidden
        bias.narrow(0, 0, Hidden).fill_(z);
        bias.narrow(0, Hidden, Hidden).fill_(r);
        return cell;
    }

    [Fact]
    public void A_closed_update_gate_keeps_the_gru_state()
    {
        using var cell = GruWithGateBiases(z: -50, r: 0);
        using var _ = no_grad();
        using var x = rand(2, 2, 6, 6);
        using var h = rand(2, Hidden, 6, 6) - 0.5;
        using var next = cell.call(x, h);
        Assert.True(next.allclose(h, atol: 1e-6), "z ≈ 0 must give h' = h");
    }

    [Fact]
    public void An_open_update_gate_with_a_closed_reset_gate_forgets_the_gru_state()
    {
        using var cell = GruWithGateBiases(z: 50, r: -50);
        using var _ = no_grad();
        using var x = rand(2, 2, 6, 6);
        using var h1 = rand(2, Hidden, 6, 6);
        using var h2 = -rand(2, Hidden, 6, 6);
        using var a = cell.call(x, h1);
        using var b = cell.call(x, h2);
        using var fromZero = cell.call(x, null);
        Assert.True(a.allclose(b, atol: 1e-6), "z ≈ 1 and r ≈ 0 must make h' depend on x only");
        Assert.True(a.allclose(fromZero, atol: 1e-6));
        Assert.False(a.allclose(h1, atol: 1e-3));
    }

    [Fact]
    public void Lstm_and_spatiotemporal_cells_keep_their_state_shapes_and_bounds()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 3, 5, 5);
        var lstm = new ConvLstmCell("lstm", 3, Hidden, 3);
        var (h, c) = lstm.call(x, null);
        (h, c) = lstm.call(x, (h, c));
        Assert.Equal(new long[] { 2, Hidden, 5, 5 }, h.shape);
        Assert.Equal(c.shape, h.shape);
        Assert.True(h.abs().max().item<float>() < 1f, "h = o ⊙ tanh(c) lies in (-1, 1)");

        var st = new SpatioTemporalLstmCell("st", 3, Hidden, 3);
        var (h1, c1, m1) = st.call(x, null, null);
        var (_, _, m2) = st.call(x, (h1, c1), m1);
        var (_, _, m2Zero) = st.call(x, (h1, c1), null);
        Assert.Equal(new long[] { 2, Hidden, 5, 5 }, m2.shape);
        Assert.False(m2.allclose(m2Zero), "the spatiotemporal memory passed in must change the memory out");
    }

    /// <summary>
    /// A missing state is a zero state: the cells skip the convolutions of a zero h, c or m (bench/README.md, "Where the
    /// time goes"), which must give what the full equations give on zeros.
    /// </summary>
    [Fact]
    public void A_missing_state_gives_what_a_zero_state_gives()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = rand(2, 3, 5, 5);
        var zero = zeros(2, Hidden, 5, 5);
        var lstm = new ConvLstmCell("lstm", 3, Hidden, 3);
        var (h, c) = lstm.call(x, null);
        var (hz, cz) = lstm.call(x, (zero, zero));
        Assert.True(h.allclose(hz, atol: 1e-6) && c.allclose(cz, atol: 1e-6));

        var gru = new ConvGruCell("gru", 3, Hidden, 3);
        Assert.True(gru.call(x, null).allclose(gru.call(x, zero), atol: 1e-6));

        var st = new SpatioTemporalLstmCell("st", 3, Hidden, 3);
        var (h1, c1, m1) = st.call(x, null, null);
        var (h2, c2, m2) = st.call(x, (zero, zero), zero);
        Assert.True(h1.allclose(h2, atol: 1e-6) && c1.allclose(c2, atol: 1e-6) && m1.allclose(m2, atol: 1e-6));
        var (h3, _, m3) = st.call(x, (h1, c1), null);                      // h and c given, m missing
        var (h4, _, m4) = st.call(x, (h1, c1), zero);
        Assert.True(h3.allclose(h4, atol: 1e-6) && m3.allclose(m4, atol: 1e-6));
    }

    /// <summary>The ConvLSTM cell's one convolution of [x, h] equals the two convolutions of the equations plus their sum.</summary>
    [Fact]
    public void The_fused_lstm_gate_convolution_equals_the_two_it_replaces()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var cell = new ConvLstmCell("lstm", 3, Hidden, 3);
        var p = cell.named_parameters().ToDictionary(q => q.name, q => (Tensor)q.parameter);
        var (x, h, c) = (rand(2, 3, 5, 5), rand(2, Hidden, 5, 5) - 0.5, rand(2, Hidden, 5, 5) - 0.5);
        var gates = nn.functional.conv2d(x, p["inputGates.weight"], p["inputGates.bias"], padding: [1, 1])
                    + nn.functional.conv2d(h, p["hiddenGates.weight"], padding: [1, 1]);     // (B, 4·hidden, H, W)
        var g = gates.chunk(4, 1);
        var cExpected = (g[1] + 1.0).sigmoid() * c + g[0].sigmoid() * g[2].tanh();
        var hExpected = g[3].sigmoid() * cExpected.tanh();
        var (hNext, cNext) = cell.call(x, (h, c));
        Assert.True(cNext.allclose(cExpected, atol: 1e-6) && hNext.allclose(hExpected, atol: 1e-6));
    }

    /// <summary>
    /// The spatiotemporal cell's two gate convolutions ([x, h] → [i, f, g, o] and [x, m] → [i', f', g']) give the outputs
    /// and weight gradients of the equations' three (x → all seven, h → four, m → three), with and without gate biases.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_fused_spatiotemporal_gate_convolutions_equal_the_three_they_replace(bool bias)
    {
        using var scope = NewDisposeScope();
        var cell = new SpatioTemporalLstmCell("st", 3, Hidden, 3, bias);
        var (x, h, c, m) = (rand(2, 3, 5, 5), rand(2, Hidden, 5, 5) - 0.5, rand(2, Hidden, 5, 5) - 0.5, rand(2, Hidden, 5, 5) - 0.5);
        Tensor[] Equations(IReadOnlyDictionary<string, Tensor> p)
        {
            Tensor Conv(Tensor input, string name, int pad = 1) =>
                nn.functional.conv2d(input, p[name + ".weight"], p.GetValueOrDefault(name + ".bias"), padding: [pad, pad]);
            var gx = Conv(x, "inputGates").chunk(7, 1);
            var gh = Conv(h, "hiddenGates").chunk(4, 1);
            var gm = Conv(m, "memoryGates").chunk(3, 1);
            var cNext = (gx[1] + gh[1] + 1.0).sigmoid() * c + (gx[0] + gh[0]).sigmoid() * (gx[2] + gh[2]).tanh();
            var mNext = (gx[4] + gm[1] + 1.0).sigmoid() * m + (gx[3] + gm[0]).sigmoid() * (gx[5] + gm[2]).tanh();
            var both = cat([cNext, mNext], 1);
            var hNext = (gx[6] + gh[3] + Conv(both, "outputGate")).sigmoid() * Conv(both, "fuse", pad: 0).tanh();
            return [hNext, cNext, mNext];
        }
        AssertSameOutputsAndWeightGradients(cell, () => { var (hN, cN, mN) = cell.call(x, (h, c), m); return [hN, cN, mN]; }, Equations);
    }

    /// <summary>The cell's outputs equal the equations' within float32 rounding, and so do the gradients of every weight.</summary>
    static void AssertSameOutputsAndWeightGradients(nn.Module cell, Func<Tensor[]> run, Func<IReadOnlyDictionary<string, Tensor>, Tensor[]> equations)
    {
        var parameters = cell.named_parameters().ToDictionary(q => q.name, q => (Tensor)q.parameter);
        Dictionary<string, Tensor> Gradients(Tensor[] outputs)
        {
            foreach (var p in parameters.Values) p.grad = null;
            outputs.Select((o, k) => (o * (k + 1)).sum()).Aggregate((a, b) => a + b).backward();
            return parameters.ToDictionary(q => q.Key, q => q.Value.grad!.clone());
        }
        var actual = run();
        var expected = equations(parameters);
        foreach (var (a, e) in actual.Zip(expected)) Assert.True(a.allclose(e, atol: 1e-6), "outputs differ");
        var actualGradients = Gradients(actual);
        var expectedGradients = Gradients(expected);
        foreach (var (name, g) in actualGradients)
            Assert.True(g.allclose(expectedGradients[name], rtol: 1e-4, atol: 1e-5), $"gradient of {name} differs");
    }

    /// <summary>Channels-last activations hold the same values with NHWC strides, and a model gives the same outputs on them.</summary>
    [Fact]
    public void Channels_last_changes_the_layout_not_the_values()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = rand(2, 3, 5, 7);
        var nhwc = MemoryFormat.ChannelsLastOnCpu(x);
        Assert.Equal(x.shape, nhwc.shape);
        Assert.Equal(new long[] { 3 * 5 * 7, 1, 7 * 3, 3 }, nhwc.stride());
        Assert.True(nhwc.eq(x).all().item<bool>());
        var lstm = new ConvLstmCell("lstm", 3, Hidden, 3);
        var (h, c) = lstm.call(x, null);
        var (hCl, cCl) = lstm.call(nhwc, null);
        (h, c) = lstm.call(x, (h, c));
        (hCl, cCl) = lstm.call(nhwc, (hCl, cCl));
        Assert.True(h.allclose(hCl, atol: 1e-6) && c.allclose(cCl, atol: 1e-6));
        // The recurrent models go channels-last from 16 hidden channels; below that the gate slices are too short to pay.
        Assert.Equal(nhwc.stride(), MemoryFormat.ForRecurrentCells(x, MemoryFormat.ChannelsLastMinHidden).stride());
        Assert.Equal(x.stride(), MemoryFormat.ForRecurrentCells(x, MemoryFormat.ChannelsLastMinHidden - 1).stride());
    }

    /// <summary>
    /// A cell step leaves only its outputs alive in the caller's scope, with and without autograd: the gate maps
    /// and activations are freed when the step returns (as in PyTorch), not kept until the end of the rollout.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_cell_step_leaves_only_its_outputs_alive(bool grad)
    {
        using var scope = NewDisposeScope();
        using var mode = grad ? enable_grad() : no_grad();
        var x = rand(2, 2, 6, 6);
        var lstm = new ConvLstmCell("lstm", 2, Hidden, 3);
        var gru = new ConvGruCell("gru", 2, Hidden, 3);
        var st = new SpatioTemporalLstmCell("st", 2, Hidden, 3);
        Assert.Equal(2, TensorsLeftBy(() => lstm.call(x, null)));      // h, c
        Assert.Equal(1, TensorsLeftBy(() => gru.call(x, null)));       // h
        Assert.Equal(3, TensorsLeftBy(() => st.call(x, null, null)));  // h, c, m
    }

    static long TensorsLeftBy(Action step)
    {
        var stats = DisposeScopeManager.Statistics;
        long before = stats.ThreadTotalLiveCount;
        step();
        return stats.ThreadTotalLiveCount - before;
    }
}
