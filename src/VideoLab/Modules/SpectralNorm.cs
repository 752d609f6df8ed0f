using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>The layer a <see cref="SpectralNormLayer"/> wraps.</summary>
public enum SpectralNormKind { Linear, Conv2d, Conv3d }

/// <summary>
/// A linear or convolution layer with spectral normalisation (Miyato et al. 2018, "Spectral
/// Normalization for Generative Adversarial Networks"): the weight is divided by an estimate of its
/// largest singular value σ, so the layer is (about) 1-Lipschitz and the discriminator cannot grow
/// arbitrarily steep.
/// <para>
/// TorchSharp 0.107 has no <c>nn.utils.spectral_norm</c> (checked: neither its source nor the
/// assembly has it), so this is a small re-implementation of what PyTorch does: the unnormalised
/// weight is the parameter; a buffer <c>u</c> holds the running estimate of the leading left singular
/// vector of the weight seen as a matrix (out, in·k…); every forward in training mode runs one power
/// iteration (v = Wᵀu/‖Wᵀu‖, u = Wv/‖Wv‖, no gradient through u, v) and uses σ = uᵀWv, with the gradient
/// flowing through σ as in the paper. In eval mode u is left as it is. As
/// <c>torch.nn.utils.parametrizations.spectral_norm</c>, u starts from 15 power iterations on the initial weight
/// (<see cref="WarmUpIterations"/>; the older <c>torch.nn.utils.spectral_norm</c> starts from a random u). Weights and bias
/// start as TorchSharp's plain layer of the same shape starts them.
/// </para>
/// </summary>
public sealed class SpectralNormLayer : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;   // (out, in) or (out, in, k…)
    readonly Parameter bias;     // (out)
    readonly Tensor u;           // (out) running left singular vector (a buffer)
    readonly SpectralNormKind kind;
    readonly long[] stride, padding;

    SpectralNormLayer(string name, SpectralNormKind kind, Tensor initialWeight, Tensor initialBias, long[] stride, long[] padding)
        : base(name)
    {
        this.kind = kind;
        this.stride = stride;
        this.padding = padding;
        weight = new Parameter(initialWeight.detach().clone());
        bias = new Parameter(initialBias.detach().clone());
        u = nn.functional.normalize(randn(initialWeight.shape[0]), dim: 0);
        using (no_grad())
        {
            using var matrix = weight.flatten(1);                                  // (out, in·k…)
            for (int i = 0; i < WarmUpIterations; i++)
            {
                using var v = nn.functional.normalize(matrix.t().matmul(u), dim: 0);
                using var next = nn.functional.normalize(matrix.matmul(v), dim: 0);
                u.copy_(next);
            }
        }
        RegisterComponents();
    }

    /// <summary>Power iterations run once at construction, so σ starts close to the largest singular value (PyTorch's parametrization does 15).</summary>
    public const int WarmUpIterations = 15;

    /// <summary>A spectrally normalised <c>nn.Linear(inputs, outputs)</c>.</summary>
    public static SpectralNormLayer Linear(long inputs, long outputs)
    {
        using var plain = nn.Linear(inputs, outputs);
        return new SpectralNormLayer("SnLinear", SpectralNormKind.Linear, plain.weight!, plain.bias!, [], []);
    }

    /// <summary>A spectrally normalised <c>nn.Conv2d</c> with a square kernel.</summary>
    public static SpectralNormLayer Conv2d(long inputs, long outputs, long kernel, long stride = 1, long padding = 0)
    {
        using var plain = nn.Conv2d(inputs, outputs, kernel, stride: stride, padding: padding);
        return new SpectralNormLayer("SnConv2d", SpectralNormKind.Conv2d, plain.weight!, plain.bias!, [stride, stride], [padding, padding]);
    }

    /// <summary>A spectrally normalised <c>nn.Conv3d</c>; kernel, stride and padding per axis (T, H, W).</summary>
    public static SpectralNormLayer Conv3d(long inputs, long outputs, (long, long, long) kernel, (long, long, long) stride, (long, long, long) padding)
    {
        using var plain = nn.Conv3d(inputs, outputs, kernel, stride: stride, padding: padding);
        return new SpectralNormLayer("SnConv3d", SpectralNormKind.Conv3d, plain.weight!, plain.bias!,
                                     [stride.Item1, stride.Item2, stride.Item3], [padding.Item1, padding.Item2, padding.Item3]);
    }

    /// <summary>The current estimate of the weight's largest singular value (for plots and tests).</summary>
    public double Sigma()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var matrix = weight.flatten(1);                                        // (out, in·k…)
        var v = nn.functional.normalize(matrix.t().matmul(u), dim: 0);          // (in·k…)
        return u.dot(matrix.matmul(v)).item<float>();
    }

    public override Tensor forward(Tensor input)
    {
        var matrix = weight.flatten(1);                                        // (out, in·k…)
        Tensor v;
        using (no_grad())
        {
            v = nn.functional.normalize(matrix.t().matmul(u), dim: 0);          // (in·k…)
            if (training)
            {
                using var next = nn.functional.normalize(matrix.matmul(v), dim: 0);  // (out)
                u.copy_(next);
            }
        }
        // A copy of u: the next forward updates u in place, and autograd must keep this pass's value.
        using var uNow = u.detach().clone();
        var sigma = uNow.dot(matrix.matmul(v));                                // scalar, with gradient through W
        var normalised = weight / sigma;
        return kind switch
        {
            SpectralNormKind.Linear => nn.functional.linear(input, normalised, bias),
            SpectralNormKind.Conv2d => nn.functional.conv2d(input, normalised, bias, strides: stride, padding: padding),
            _ => nn.functional.conv3d(input, normalised, bias, strides: stride, padding: padding),
        };
    }
}
