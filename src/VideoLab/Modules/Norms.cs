using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// Normalisation layers that start where PyTorch's do. TorchSharp 0.107.0's <c>nn.GroupNorm</c> leaves its
/// affine weight and bias uninitialised (whatever the memory held: zeros, NaN, 1e34…), so models using it
/// give NaN at random; <see cref="GroupNorm"/> sets weight = 1, bias = 0 as PyTorch does. Use it instead of
/// <c>nn.GroupNorm</c> everywhere (checked by a test; LayerNorm, BatchNorm2d and InstanceNorm2d are fine).
/// </summary>
public static class Norms
{
    /// <summary><c>nn.GroupNorm(groups, channels)</c> with weight 1 and bias 0.</summary>
    public static GroupNorm GroupNorm(long groups, long channels, double eps = 1e-5)
    {
        var norm = nn.GroupNorm(groups, channels, eps);
        using (no_grad())
        {
            nn.init.ones_(norm.weight!);
            nn.init.zeros_(norm.bias!);
        }
        return norm;
    }
}
