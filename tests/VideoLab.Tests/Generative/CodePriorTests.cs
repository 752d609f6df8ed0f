using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;
using VideoLab.Tests.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Tests.Generative;

public class CodePriorTests
{
    // The grid of VqVaeTests.Tiny on 4-frame 16×16 clips: 2×4×4 = 32 codes out of 16.
    static readonly CodePriorConfig Tiny = new(CodebookSize: 16, Frames: 4, Height: 16, Width: 16, DownsampleT: 2, DownsampleH: 4, DownsampleW: 4,
                                               Layers: 2, Heads: 2, Embedding: 32, Dropout: 0);

    [Fact]
    public void The_prior_is_causal_changing_code_k_leaves_every_earlier_prediction_unchanged()
    {
        using var prior = new CodePrior(Tiny);
        prior.eval();
        using var _ = no_grad();
        using var codes = randint(16, [2, 32], dtype: ScalarType.Int64);
        using var changed = codes.clone();
        const int k = 10;
        changed[.., k] = (codes[.., k] + 1) % 16;
        using var before = prior.call(codes);                                   // (2, 32, 16)
        using var after = prior.call(changed);
        Assert.Equal(new long[] { 2, 32, 16 }, before.shape);
        // Logit i predicts code i from codes < i: positions 0..k do not see code k.
        Assert.True(before[.., ..(k + 1)].allclose(after[.., ..(k + 1)], rtol: 1e-5, atol: 1e-6));
        Assert.False(before[.., (k + 1)..].allclose(after[.., (k + 1)..], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Samples_are_valid_code_grids_reproducible_by_seed_and_keep_a_given_prefix()
    {
        using var prior = new CodePrior(Tiny);
        prior.eval();
        using var a = prior.Sample(3, seed: 4, temperature: 1.0, topK: 5);
        using var b = prior.Sample(3, seed: 4, temperature: 1.0, topK: 5);
        using var c = prior.Sample(3, seed: 5, temperature: 1.0, topK: 5);
        Assert.Equal(new long[] { 3, 2, 4, 4 }, a.shape);
        Assert.Equal(ScalarType.Int64, a.dtype);
        Assert.True(a.min().item<long>() >= 0 && a.max().item<long>() < 16);
        Assert.True(TensorCompare.Same(a, b));
        Assert.False(TensorCompare.Same(a, c));

        using var prefix = randint(16, [3, 1, 4, 4], dtype: ScalarType.Int64);  // the first latent frame given
        using var continued = prior.Sample(3, seed: 4, prefix: prefix);
        Assert.True(TensorCompare.Same(prefix, continued[.., ..1]));
        Assert.Throws<ArgumentException>(() => prior.Sample(3, seed: 4, prefix: randint(16, [3, 1, 3, 3], dtype: ScalarType.Int64)));
        Assert.Throws<ArgumentException>(() => prior.Sample(3, seed: 4, temperature: 0));
    }

    [Fact]
    public void Trained_on_one_clip_s_codes_the_prior_reproduces_them()
    {
        lock (SeedLock.Gate)
        {
            Lab.Seed(5);
            using var target = randint(16, [1, 2, 4, 4], dtype: ScalarType.Int64);  // one clip's code grid
            using var prior = new CodePrior(Tiny);
            prior.train();
            var optimizer = optim.AdamW(prior.parameters(), lr: 1e-2);
            double loss = double.NaN;
            for (int step = 0; step < 300 && !(loss < 0.02); step++)
            {
                using var scope = NewDisposeScope();
                var l = prior.Loss(target);
                optimizer.zero_grad();
                l.backward();
                optimizer.step();
                loss = l.item<float>();
            }
            prior.eval();
            using var greedy = prior.Sample(1, seed: 0, topK: 1);
            Assert.True(TensorCompare.Same(target, greedy), $"loss {loss:F4}; the greedy sample differs from the clip's codes");
            using var sampled = prior.Sample(1, seed: 9, temperature: 0.5);
            Assert.True(TensorCompare.Same(target, sampled), $"loss {loss:F4}; a sample at temperature 0.5 differs from the clip's codes");
        }
    }

    [Fact]
    public void A_prior_step_trains_the_prior_on_the_frozen_vqvae_s_codes()
    {
        using var vqvae = new VqVae(VqVaeTests.Tiny);
        using var clips = rand(new long[] { 2, 4, 1, 16, 16 });
        vqvae.train();
        using (no_grad()) vqvae.call(clips);
        using var prior = new CodePrior(Tiny);
        var method = new PriorMethod(prior, vqvae, new MethodSettings(LearningRate: 1e-3));
        Assert.Equal(["prior"], method.Modules.Keys);
        var vqBefore = vqvae.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var priorBefore = prior.parameters().Select(p => p.detach().clone()).ToList();
        vqvae.train();  // as a trainer that sets every module it knows to training mode might leave it
        prior.train();
        var metrics = method.TrainStep(clips, new StepContext(0, 0, null, null));
        Assert.True(metrics["loss"] > 0 && double.IsFinite(metrics["loss"]));
        Assert.Equal(metrics["loss"] / Math.Log(2), metrics["bits_per_code"], 6);
        Assert.Contains(prior.parameters().Zip(priorBefore), pair => !TensorCompare.Same(pair.First.detach(), pair.Second));
        Assert.False(vqvae.training);
        foreach (var (name, value) in vqvae.state_dict())
            Assert.True(TensorCompare.Same(value, vqBefore[name]), $"the VQ-VAE's {name} changed while training the prior");
    }

    [Fact]
    public void The_prior_method_refuses_a_mismatched_vqvae_and_loads_a_saved_one_from_its_option()
    {
        using var vqvae = new VqVae(VqVaeTests.Tiny);
        Assert.Throws<ArgumentException>(() => new PriorMethod(new CodePrior(Tiny with { CodebookSize = 8 }), vqvae, new MethodSettings()));
        Assert.Throws<ArgumentException>(() => new PriorMethod(new CodePrior(Tiny with { DownsampleH = 2 }), vqvae, new MethodSettings()));
        var missing = Assert.Throws<ArgumentException>(() => PriorMethod.FromSettings(new CodePrior(Tiny), new MethodSettings()));
        Assert.Contains("vqvae", missing.Message);

        var path = Path.Combine(Path.GetTempPath(), $"videolab-vqvae-{Guid.NewGuid():N}", "vqvae.weights");
        try
        {
            using var clip = rand(new long[] { 2, 4, 1, 16, 16 });
            vqvae.train();
            using (no_grad()) vqvae.call(clip);
            vqvae.eval();
            vqvae.Save(path);
            var method = PriorMethod.FromSettings(new CodePrior(Tiny), new MethodSettings(Options: new Dictionary<string, string> { ["vqvae"] = path }));
            using var expected = vqvae.Encode(clip);
            using var loaded = method.Codes(clip);
            Assert.True(TensorCompare.Same(expected, loaded));
            using var wrongGrid = rand(new long[] { 2, 8, 1, 16, 16 });
            Assert.Throws<ArgumentException>(() => method.Codes(wrongGrid));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
