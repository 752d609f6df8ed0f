using System.Buffers.Binary;
using System.Text;
using TorchSharp;
using TorchSharp.PyBridge;
using VideoLab.Interop;
using VideoLab.Tests.Generative;
using VideoLab.Models;
using VideoLab.Tests.Data;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Interop;

public class SafetensorsTests
{
    [Fact]
    public void Every_registered_model_round_trips_bit_exactly_and_the_file_alone_rebuilds_it()
    {
        using var dir = new TempFolder();
        foreach (var entry in ModelRegistry.All)
        {
            torch.manual_seed(3);
            var model = entry.Build(entry.TinyConfig);
            OpenStlExportTests.Randomise(model, 5);  // batch-norm statistics and the like are not at their initial values
            var spec = ModelSpec.Of(entry, entry.TinyConfig);
            var path = dir.File($"{entry.Name}.safetensors");
            ModelWeights.Export(spec, model, path, WeightFormat.Safetensors, WeightNames.VideoLab);

            var back = ModelWeights.Import(path);  // no spec given: the metadata names the model and its config
            Assert.Equal(spec, back.Spec);
            var before = model.state_dict();
            var after = back.Model.state_dict();
            Assert.Equal(before.Keys, after.Keys);
            foreach (var (name, tensor) in before)
                Assert.True(tensor.dtype == after[name].dtype && TensorCompare.Same(tensor, after[name]), $"{entry.Name}: {name} changed in the round trip");
        }
    }

    [Fact]
    public void A_round_tripped_predictor_predicts_the_same_bits()
    {
        using var dir = new TempFolder();
        var entry = ModelRegistry.Get("predrnn");
        var model = entry.Build(entry.TinyConfig);
        ModelWeights.Export(ModelSpec.Of(entry, entry.TinyConfig), model, dir.File("p.safetensors"), WeightFormat.Safetensors, WeightNames.VideoLab);
        var back = ModelWeights.Import(dir.File("p.safetensors"));
        using var context = rand([2, 4, 1, 16, 16], generator: new Generator(1));
        using var noGrad = no_grad();
        model.eval();
        using var a = ((IVideoPredictor)model).Predict(context, 6);
        using var b = ((IVideoPredictor)back.Model).Predict(context, 6);
        Assert.True(TensorCompare.Same(a, b));
    }

    [Fact]
    public void PyBridge_reads_our_files_and_we_read_its()
    {
        using var dir = new TempFolder();
        var tensors = new Dictionary<string, Tensor>
        {
            ["a.weight"] = randn(3, 4), ["a.half"] = randn(5).to(ScalarType.Float16), ["b.count"] = tensor(7L),
            ["c.bytes"] = tensor(new byte[] { 1, 2, 255 }), ["d.empty"] = zeros(0, 3),
        };
        SafetensorsFile.Write(dir.File("ours.safetensors"), tensors, new Dictionary<string, string> { ["note"] = "ünïcode ✓" });
        var theirs = Safetensors.LoadStateDict(dir.File("ours.safetensors"));  // an independent reader of the format
        foreach (var (name, t) in tensors) Assert.True(TensorCompare.Same(t, theirs[name]), $"PyBridge read {name} differently");

        var module = nn.Sequential(("conv", nn.Conv2d(2, 3, 3)), ("norm", nn.BatchNorm2d(3)));
        module.save_safetensors(dir.File("theirs.safetensors"));  // an independent writer
        using var read = SafetensorsFile.Read(dir.File("theirs.safetensors"), 1 << 20);
        foreach (var (name, t) in module.state_dict()) Assert.True(TensorCompare.Same(t, read[name]), $"we read PyBridge's {name} differently");

        using var again = SafetensorsFile.Read(dir.File("ours.safetensors"), 1 << 20, keep: n => n.StartsWith("a."));  // lazy: only what is asked for
        Assert.Equal(["a.weight", "a.half"], again.Keys);
        Assert.Equal("ünïcode ✓", again.Metadata["note"]);
    }

    /// <summary>A safetensors file from raw parts: the header text and the data bytes.</summary>
    static string Craft(TempFolder dir, string name, string header, int dataBytes, ulong? claimedLength = null)
    {
        var text = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + text.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedLength ?? (ulong)text.Length);
        text.CopyTo(bytes, 8);
        File.WriteAllBytes(dir.File(name), bytes);
        return dir.File(name);
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, null, "cut short")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 12, null, "after its last tensor")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, null, "overlap or leave a gap")]
    [InlineData("""{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, null, "needs 12 bytes")]
    [InlineData("""{"x":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""", 2, null, "element type F8_E4M3")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2]}}""", 8, null, "without a valid dtype")]
    [InlineData("""{"x": not json""", 0, null, "not a JSON object")]
    [InlineData("""{}""", 0, 1UL << 40, "safetensors headers are at most")]
    [InlineData("""{}""", 0, 50_000UL, "cut short")]
    public void A_header_that_does_not_describe_the_file_is_refused_before_any_tensor_is_read(string header, int dataBytes, ulong? claimed, string expected)
    {
        using var dir = new TempFolder();
        var path = Craft(dir, "bad.safetensors", header, dataBytes, claimed);
        var e = Assert.Throws<WeightFileException>(() => SafetensorsFile.Read(path, 1 << 20));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void A_file_over_the_memory_budget_is_refused_without_reading_it()
    {
        using var dir = new TempFolder();
        // A 3 GB tensor in a sparse file: nothing is allocated or read before the refusal.
        const long elements = 750_000_000;
        var path = Craft(dir, "big.safetensors", $$$"""{"w":{"dtype":"F32","shape":[{{{elements}}}],"data_offsets":[0,{{{elements * 4}}}]}}""", 0);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length + elements * 4);
        var e = Assert.Throws<WeightFileException>(() => WeightFiles.Read(path, budgetBytes: 1L << 30));
        Assert.Contains("of tensors, more than the memory budget", e.Message);
        Assert.Contains("--memory-budget", e.Message);
    }

    [Fact]
    public void A_tensor_over_2_GB_is_read_whole_with_its_bytes_where_they_belong()
    {
        using var dir = new TempFolder();
        // 2 GB + 4 KB of uint8 in a sparse file, with marks past the 2 GB line (where 32-bit offsets would wrap).
        const long elements = (1L << 31) + 4096;
        var path = Craft(dir, "huge.safetensors", $$$"""{"w":{"dtype":"U8","shape":[{{{elements}}}],"data_offsets":[0,{{{elements}}}]}}""", 0);
        long dataStart = new FileInfo(path).Length;
        long[] marks = [0, int.MaxValue - 1L, int.MaxValue + 7L, elements - 1];
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(dataStart + elements);
            for (int i = 0; i < marks.Length; i++)
            {
                stream.Position = dataStart + marks[i];
                stream.WriteByte((byte)(i + 1));
            }
        }
        using var read = SafetensorsFile.Read(path, budgetBytes: 3L << 30);
        var w = read["w"];
        Assert.Equal(elements, w.NumberOfElements);
        for (int i = 0; i < marks.Length; i++) Assert.Equal(i + 1, w[marks[i]].item<byte>());
        Assert.Equal(0, w[int.MaxValue + 6L].item<byte>());
    }
}
