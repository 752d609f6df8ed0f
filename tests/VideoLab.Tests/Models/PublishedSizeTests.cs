using VideoLab.Models;

namespace VideoLab.Tests.Models;

/// <summary>The default sizes match OpenSTL's Moving MNIST configurations (issue 5: within 5%, or the difference explained).</summary>
public class PublishedSizeTests
{
    static long Parameters(string name)
    {
        var entry = ModelRegistry.Get(name);
        using var model = entry.Build(entry.DefaultConfig);
        return model.parameters().Sum(p => p.numel());
    }

    [Theory]
    [InlineData("predrnn", 23.8e6, 0)]
    [InlineData("simvp", 46.8e6, 0)]
    [InlineData("tau", 44.7e6, 0)]
    // OpenSTL's ConvLSTMCell also creates conv_o (2h→h, 5×5) and conv_last (2h→h, 1×1) that its forward never
    // uses: 4 layers × (256·128·25 + 256·128) = 3,407,872 parameters (see ConvLstm's doc comment).
    [InlineData("convlstm", 15.0e6, 3_407_872)]
    public void The_default_size_matches_OpenSTLs_published_count(string name, double published, long unusedInOpenStl)
    {
        long ours = Parameters(name) + unusedInOpenStl;
        Assert.True(Math.Abs(ours - published) <= 0.05 * published,
            $"{name}: {ours:N0} parameters (with {unusedInOpenStl:N0} unused in OpenSTL), OpenSTL reports {published:N0}");
        Assert.Equal(ModelRegistry.OpenStlParameters[name], $"{published / 1e6:F1}M");
    }
}
