using TorchSharp;
using VideoLab.Data;
using VideoLab.Interop;
using VideoLab.Models;
using VideoLab.Tests.Data;
using VideoLab.Tests.References;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Interop;

/// <summary>
/// The other way: VideoLab models built from OpenSTL's arguments, with random weights, exported under OpenSTL's names
/// (torch.save and safetensors) load into the PyTorch reference modules with <c>strict=True</c> (every OpenSTL name
/// present, nothing extra) and predict what VideoLab predicts.
/// </summary>
[Collection(OpenStlReferenceCollection.Name)]
public class OpenStlExportTests(OpenStlReferenceFiles files)
{
    static readonly string[] Models = ["convlstm", "predrnn", "simvp", "tau"];

    /// <summary>Random values wherever a trained model has them (biases, norms, layer scales, batch-norm statistics).</summary>
    internal static void Randomise(nn.Module model, long seed)
    {
        var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (name, t) in model.state_dict())
        {
            if (!t.is_floating_point()) continue;
            using var noise = randn(t.shape, generator: generator);
            using var uniform = rand(t.shape, generator: generator);
            if (name.EndsWith("running_var") || name.Contains("norm") && name.EndsWith("weight")) t.copy_(uniform + 0.5);
            else if (name.Contains("scale")) t.copy_(uniform * 0.8 + 0.2);
            else if (name.EndsWith("running_mean") || name.EndsWith("bias")) t.copy_(noise * 0.1);
            else t.copy_(noise / Math.Sqrt(Math.Max(1, t.shape.Length > 1 ? t[0].NumberOfElements : 1)));
        }
    }

    [Fact]
    public void PyTorch_loads_the_exports_strictly_and_predicts_what_VideoLab_predicts()
    {
        using var dir = new TempFolder();
        var ours = new Dictionary<string, Tensor>();
        foreach (var name in Models)
        {
            var (registryName, config) = OpenStl.Configure(name, OpenStlArgs.Load(files.File($"{name}-args.json")));
            var entry = ModelRegistry.Get(registryName);
            var model = entry.Build(config);
            Randomise(model, 11);
            model.eval();
            File.Copy(files.File($"{name}-input.npy"), dir.File($"{name}-input.npy"));
            using (var input = NpyTensor.Read(dir.File($"{name}-input.npy")))
            using (no_grad())
                ours[name] = ((IVideoPredictor)model).Predict(input, ((IPredictorConfig)config).Horizon);
            var spec = ModelSpec.Of(entry, config);
            var written = ModelWeights.Export(spec, model, dir.File($"exported-{name}.pth"), WeightFormat.PyTorch, WeightNames.OpenStl);
            ModelWeights.Export(spec, model, dir.File($"exported-{name}.safetensors"), WeightFormat.Safetensors, WeightNames.OpenStl);
            Assert.Equal(dir.File($"exported-{name}.args.json"), written[1]);  // OpenSTL's arguments beside the weights
        }

        Assert.Equal("checked", DebianPython.RunFile("openstl_reference.py", "check", dir.Path).Trim());

        foreach (var name in Models)
            foreach (var kind in new[] { "pth", "safetensors" })
            {
                using var torchOutput = NpyTensor.Read(dir.File($"torch-{name}-{kind}.npy"));
                Assert.True(torchOutput.abs().max().item<float>() > 0.01, $"{name}: PyTorch's output is all but zero");
                double difference = (torchOutput - ours[name]).abs().max().item<float>();
                Assert.True(torchOutput.allclose(ours[name], rtol: 1e-5, atol: 1e-5), $"{name} ({kind}): largest difference from PyTorch {difference:E2}");
            }
        var metadata = File.ReadAllText(dir.File("torch-simvp-metadata.json"));
        Assert.Contains("\"videolab.names\": \"openstl\"", metadata);
        Assert.Contains("hid_S", metadata);  // OpenSTL's arguments travel in the metadata too
        foreach (var t in ours.Values) t.Dispose();
    }

    [Fact]
    public void Configs_OpenSTL_cannot_express_are_refused_under_its_names_but_export_under_ours()
    {
        using var dir = new TempFolder();
        var entry = ModelRegistry.Get("convlstm");
        var config = ConvLstmConfig.Tiny;  // VideoLab's defaults: gate biases and forget bias 1
        var model = entry.Build(config);
        var spec = ModelSpec.Of(entry, config);
        var refused = Assert.Throws<ArgumentException>(() => ModelWeights.Export(spec, model, dir.File("c.pth"), WeightFormat.PyTorch, WeightNames.OpenStl));
        Assert.Contains("inputGates.bias", refused.Message);
        Assert.False(File.Exists(dir.File("c.pth")));
        var noBias = config with { GateBias = false };
        var forget = Assert.Throws<ArgumentException>(() => ModelWeights.Export(ModelSpec.Of(entry, noBias), entry.Build(noBias), dir.File("c.pth"), WeightFormat.PyTorch, WeightNames.OpenStl));
        Assert.Contains("forget bias", forget.Message);

        var attention = ModelRegistry.Get("simvp-attention");
        var attentionSpec = ModelSpec.Of(attention, attention.TinyConfig);
        var noMapping = Assert.Throws<ArgumentException>(() => ModelWeights.Export(attentionSpec, attention.Build(attention.TinyConfig), dir.File("a.pth"), WeightFormat.PyTorch, WeightNames.OpenStl));
        Assert.Contains("no counterpart", noMapping.Message);

        ModelWeights.Export(spec, model, dir.File("c.pth"), WeightFormat.PyTorch, WeightNames.VideoLab);
        var keys = DebianPython.Run("import sys, torch; print(' '.join(sorted(torch.load(sys.argv[1]).keys())))", dir.File("c.pth")).Trim().Split(' ');
        Assert.Equal(model.state_dict().Keys.Order(StringComparer.Ordinal), keys);
    }
}
