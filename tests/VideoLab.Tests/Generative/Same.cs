using static TorchSharp.torch;

namespace VideoLab.Tests.Generative;

static class TensorCompare
{
    /// <summary>Same shape and every element equal.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var equal = a.eq(b).all();
        return equal.item<bool>();
    }
}
