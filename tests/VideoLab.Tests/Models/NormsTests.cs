using VideoLab.Modules;

namespace VideoLab.Tests.Models;

public class NormsTests
{
    [Fact]
    public void Group_norm_starts_as_the_identity_affine_map()
    {
        // TorchSharp 0.107.0's nn.GroupNorm leaves weight and bias uninitialised; Norms.GroupNorm must not.
        for (int i = 0; i < 10; i++)
        {
            using var norm = Norms.GroupNorm(2, 64);
            Assert.True(norm.weight!.eq(1).all().item<bool>(), "weight must start at 1");
            Assert.True(norm.bias!.eq(0).all().item<bool>(), "bias must start at 0");
        }
    }
}
