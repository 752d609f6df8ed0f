using VideoLab.Interop;
using VideoLab.Tests.Generative;
using VideoLab.Models;
using VideoLab.Tests.Data;
using static TorchSharp.torch;

namespace VideoLab.Tests.Interop;

/// <summary>Bad weight files and bad arguments give a clear error naming the file or argument, never a native crash or a half-loaded model.</summary>
[Collection(OpenStlReferenceCollection.Name)]
public class WeightFileErrorTests(OpenStlReferenceFiles files)
{
    static WeightFileException Refused(string path) => Assert.Throws<WeightFileException>(() => WeightFiles.Read(path));

    [Fact]
    public void Truncated_corrupt_and_empty_files_are_refused_with_what_to_do()
    {
        using var dir = new TempFolder();
        var bytes = File.ReadAllBytes(files.File("simvp.pth"));
        File.WriteAllBytes(dir.File("half.pth"), bytes[..(bytes.Length / 2)]);
        Assert.Contains("cut short or corrupt", Refused(dir.File("half.pth")).Message);

        File.WriteAllBytes(dir.File("noise.pth"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray());
        Assert.Contains("not a PyTorch file", Refused(dir.File("noise.pth")).Message);

        File.WriteAllBytes(dir.File("empty.pth"), []);
        Assert.Contains("is empty", Refused(dir.File("empty.pth")).Message);

        var safetensors = File.ReadAllBytes(files.File("tau.safetensors"));
        File.WriteAllBytes(dir.File("half.safetensors"), safetensors[..(safetensors.Length - 100)]);
        Assert.Contains("cut short", Refused(dir.File("half.safetensors")).Message);

        Assert.Throws<FileNotFoundException>(() => WeightFiles.Read(dir.File("absent.pth")));
    }

    [Theory]
    [InlineData("list.pth", "not a dict")]
    [InlineData("no-tensors.pth", "holds no tensors (keys: ")]
    [InlineData("whole-module.pth", "torch.save(model.state_dict()")]
    [InlineData("simvp-legacy.pth", "old (pre-1.6) format")]
    public void Pickles_that_are_not_state_dicts_are_refused_saying_so(string file, string expected)
    {
        var e = Refused(files.File(file));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(files.File(file), e.Message);
    }

    [Fact]
    public void A_pickle_over_the_memory_budget_is_refused_before_its_tensors_are_read()
    {
        var e = Assert.Throws<WeightFileException>(() => WeightFiles.Read(files.File("simvp.pth"), budgetBytes: 10_000));
        Assert.Contains("memory budget", e.Message);
    }

    [Fact]
    public void Weights_of_another_size_list_every_difference_and_load_nothing()
    {
        // TAU's file against SimVP's arguments: other widths, depth and translator.
        var e = Assert.Throws<WeightMismatchException>(() =>
            OpenStl.Import("simvp", files.File("tau.pth"), OpenStlArgs.Load(files.File("simvp-args.json"))));
        Assert.NotEmpty(e.Missing);
        Assert.NotEmpty(e.Unexpected);
        Assert.NotEmpty(e.Misshaped);
        Assert.Contains("enc.enc.0.conv.conv.weight: file [8, 1, 3, 3] vs expected [4, 3, 3, 3]", e.Message);
        Assert.Contains("nothing was loaded", e.Message);

        // All or nothing at the model level: one wrong shape among right ones leaves every parameter as it was.
        var entry = ModelRegistry.Get("convgru");
        var model = entry.Build(entry.TinyConfig);
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var tensors = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value + 1);
        var last = tensors.Keys.Last();
        tensors[last] = zeros(3, 3);
        var mismatch = Assert.Throws<WeightMismatchException>(() => WeightLoader.Load(model, tensors, "test"));
        Assert.Equal([last], mismatch.Misshaped.Select(m => m.Split(':')[0]));
        foreach (var (name, value) in model.state_dict()) Assert.True(TensorCompare.Same(value, before[name]), $"{name} was changed by a failed load");

        Assert.True(before[last].is_floating_point());
        tensors[last] = before[last].to(ScalarType.Int32);  // integers where the model keeps floats: refused, not converted
        Assert.Contains("Int32 values", Assert.Throws<WeightFileException>(() => WeightLoader.Load(model, tensors, "test")).Message);
    }

    [Theory]
    [InlineData("convlstm", """{"in_shape": [3, 1, 8, 8], "num_hidden": "8,8", "layer_norm": 1}""", "layer_norm")]
    [InlineData("convlstm", """{"in_shape": [3, 1, 8, 8], "num_hidden": "8,16"}""", "num_hidden")]
    [InlineData("predrnn", """{"in_shape": [3, 1, 8, 8], "num_hidden": "8", "stride": 2}""", "stride")]
    [InlineData("simvp", """{"in_shape": [3, 1, 8, 8], "model_type": "swin"}""", "model_type = swin")]
    [InlineData("simvp", """{"in_shape": [3, 1, 8, 8], "N_S": 3}""", "N_S = 3")]
    [InlineData("simvp", """{"in_shape": [3, 1, 8, 8], "spatio_kernel_enc": 5}""", "spatio_kernel_enc = 5")]
    [InlineData("simvp", """{"hid_S": 8}""", "lack 'in_shape'")]
    [InlineData("simvp", """{"in_shape": [3, 1, 8, 8], "method": "PredRNN"}""", "method 'PredRNN'")]
    [InlineData("mau", """{"in_shape": [3, 1, 8, 8]}""", "Unknown OpenSTL model 'mau'")]
    public void Arguments_VideoLab_cannot_represent_are_refused_naming_the_argument(string model, string json, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => OpenStl.Configure(model, OpenStlArgs.Parse(json)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void VideoGpt_vqvae_is_refused_with_the_architectural_reasons()
    {
        using var file = WeightFiles.Read(files.File("videogpt-vqvae.pth"));
        var e = VideoGptVqVae.Refusal(file);
        Assert.Contains("is VideoGPT's VQ-VAE", e.Message);
        Assert.Contains("attn_w", e.Message);
        Assert.Contains("axial attention", e.Message);
        Assert.Contains("pre_vq_conv", e.Message);
        // And the claim behind it: VideoLab's VQ-VAE has no tensor for VideoGPT's attention weights.
        var vqvae = ModelRegistry.Get("vqvae");
        Assert.DoesNotContain(vqvae.Build(vqvae.TinyConfig).state_dict().Keys, k => k.Contains("attn"));
    }
}
