using TorchSharp;
using VideoLab.Models;
using VideoLab.Modules;
using VideoLab.Tests.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Tests.Models;

/// <summary>Attention weights can be read back for plots, and causal attention never looks ahead.</summary>
public class AttentionTests
{
    [Fact]
    public void Kept_attention_weights_are_row_stochastic_and_causal_ones_ignore_the_future()
    {
        using var scope = NewDisposeScope();
        using var attention = new MultiHeadSelfAttention("a", 8, 2, causal: true) { KeepWeights = true };
        using var _ = no_grad();
        attention.call(randn(3, 5, 8));
        var w = attention.LastWeights!;
        Assert.Equal(new long[] { 3, 2, 5, 5 }, w.shape);
        Assert.True(w.sum(-1).allclose(ones(3, 2, 5), atol: 1e-5), "each row of attention weights must sum to 1");
        Assert.True(w.triu(1).eq(0).all().item<bool>(), "a causal token must give zero weight to later tokens");
        Assert.True(w.tril(-1).gt(0).any().item<bool>());
    }

    [Fact]
    public void The_video_transformer_exposes_each_blocks_time_and_space_attention()
    {
        var config = VideoTransformerConfig.Tiny;
        using var model = new VideoTransformer(config) { KeepAttention = true };
        using var _ = no_grad();
        using var context = rand([2, 3, 1, 16, 16]);
        using var predicted = model.Predict(context, 2);
        long tokens = (16 / config.PatchSize) * (16 / config.PatchSize);
        Assert.Equal(config.Depth, model.Blocks.Count);
        foreach (var block in model.Blocks)
        {
            // The last step read 4 frames (3 context + 1 predicted).
            Assert.Equal(new long[] { 2 * tokens, config.Heads, 4, 4 }, block.TimeAttention.LastWeights!.shape);
            Assert.Equal(new long[] { 2 * 4, config.Heads, tokens, tokens }, block.SpaceAttention.LastWeights!.shape);
        }
        model.KeepAttention = false;
        Assert.False(model.Blocks[0].SpaceAttention.KeepWeights);
    }

    [Fact]
    public void A_teacher_forced_transformer_prediction_depends_only_on_earlier_frames()
    {
        VideoTransformer model;
        lock (SeedLock.Gate) { torch.random.manual_seed(3); model = new VideoTransformer(VideoTransformerConfig.Tiny); }
        using var _m = model;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var context = rand([1, 3, 1, 16, 16]);
        var truth = rand([1, 4, 1, 16, 16]);
        var changed = truth.clone();
        changed[TensorIndex.Colon, 2] = zeros([1, 1, 16, 16]);
        var a = model.Predict(context, 4, new TeacherForcing(truth, 1));
        var b = model.Predict(context, 4, new TeacherForcing(changed, 1));
        Assert.True(a.narrow(1, 0, 3).allclose(b.narrow(1, 0, 3), atol: 1e-6), "frames up to 3 must not see true frame 3");
        Assert.False(a.select(1, 3).allclose(b.select(1, 3), atol: 1e-6), "frame 4 must see true frame 3");
    }

    [Fact]
    public void SimVp_can_swap_its_translator_for_attention_blocks_with_readable_weights()
    {
        var config = SimVpConfig.Tiny with { Translator = SimVpTranslator.Attention };
        using var model = new SimVp(config);
        Assert.Equal(config.TemporalLayers, model.AttentionBlocks.Count);
        using var gsta = new SimVp(SimVpConfig.Tiny);
        Assert.Empty(gsta.AttentionBlocks);
        foreach (var block in model.AttentionBlocks) block.TimeAttention.KeepWeights = true;
        using var _ = no_grad();
        using var predicted = model.Predict(rand([2, 4, 1, 16, 16]), 4);
        long tokens = 8 * 8;  // 16×16 halved once by two spatial layers
        Assert.Equal(new long[] { 2 * tokens, config.Heads, 4, 4 }, model.AttentionBlocks[0].TimeAttention.LastWeights!.shape);
    }

    /// <summary>
    /// Without position embeddings every part of SimVP's attention pass treats the frames alike (the encoder and decoder
    /// run per frame, attention over a set has no order), so reversing the context would only reverse the output and the
    /// model could not tell which way a shape moves. With TimeSformer's time positions it cannot be so.
    /// </summary>
    [Fact]
    public void SimVps_attention_translator_knows_the_order_of_the_frames()
    {
        SimVp model;
        lock (SeedLock.Gate) { torch.random.manual_seed(7); model = new SimVp(SimVpConfig.Tiny with { Translator = SimVpTranslator.Attention }); }
        using var _m = model;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        var context = rand([2, 4, 1, 16, 16]);
        var forward = model.Predict(context, 4);
        var backward = model.Predict(context.flip(1), 4);
        double difference = (backward - forward.flip(1)).abs().max().item<float>();
        Assert.True(difference > 1e-3, $"reversing the context only reversed the prediction (largest difference {difference})");
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new long[] { 8 * 8, 8 }, shapes["spacePosition"]);  // (h·w, hid_S)
        Assert.Equal(new long[] { 4, 1, 8 }, shapes["timePosition"]);     // (T, 1, hid_S)
        using var gsta = new SimVp(SimVpConfig.Tiny);
        Assert.DoesNotContain(gsta.named_parameters(), p => p.name.EndsWith("Position"));
    }

    [Fact]
    public void Appending_tokens_to_a_causal_attention_equals_attending_over_all_of_them()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var attention = new MultiHeadSelfAttention("a", 8, 2, causal: true);
        var x = randn(3, 6, 8);                                                  // (B, N, D)
        var whole = attention.call(x);
        var cache = new AttentionCache();
        var first = attention.Append(x.narrow(1, 0, 4), cache);
        var second = attention.Append(x.narrow(1, 4, 2), cache);
        Assert.Equal(6, cache.Length);
        Assert.True(cat([first, second], 1).allclose(whole, atol: 1e-5), "cached keys and values must give the full forward's rows");
        var bidirectional = new MultiHeadSelfAttention("b", 8, 2);
        Assert.Throws<InvalidOperationException>(() => bidirectional.Append(x, new AttentionCache()));
    }

    /// <summary>
    /// The rollout runs each new frame against cached keys and values, except with KeepAttention on, where it
    /// recomputes the whole window every step: both must predict the same frames, with and without the window
    /// sliding past MaxFrames (8 in the tiny config).
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(11)]
    public void The_cached_transformer_rollout_equals_recomputing_the_window(int horizon)
    {
        VideoTransformer model;
        lock (SeedLock.Gate) { torch.random.manual_seed(5); model = new VideoTransformer(VideoTransformerConfig.Tiny); }
        using var _m = model;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var p in model.parameters()) p.add_(randn_like(p) * 0.1);  // off the near-identity start
        var context = rand([2, 3, 1, 16, 16]);
        var cached = model.Predict(context, horizon);
        model.KeepAttention = true;
        var recomputed = model.Predict(context, horizon);
        Assert.Equal(new long[] { 2, horizon, 1, 16, 16 }, cached.shape);
        Assert.True(cached.allclose(recomputed, atol: 1e-5),
                    $"largest difference {(cached - recomputed).abs().max().item<float>()}");
    }
}
