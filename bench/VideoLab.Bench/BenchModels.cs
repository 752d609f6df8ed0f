using TorchSharp;
using static TorchSharp.torch;
using VideoLab.Models;

namespace VideoLab.Bench;

/// <summary>
/// The model under test, built from the sizes the driver passes (<c>--layers --hidden --kernel --patch</c> and
/// the data shape). Each name maps to the library's own config record, so the benchmark measures exactly the
/// code a researcher runs; the PyTorch peer (bench/peers/models.py) mirrors the same layers.
/// </summary>
public static class BenchModels
{
    public static nn.Module Build(Options o)
    {
        string name = o.Required("model").ToLowerInvariant();
        int c = o.Int("channels", 1), h = o.Int("height", 64), w = o.Int("width", 64);
        int tc = o.Int("context", 10), th = o.Int("horizon", 10);
        int layers = o.Int("layers", 4), hidden = o.Int("hidden", 128), kernel = o.Int("kernel", 5), patch = o.Int("patch", 4);
        return name switch
        {
            "convlstm" => new ConvLstm(new ConvLstmConfig(c, h, w, tc, th, layers, hidden, kernel, patch)),
            "convgru" => new ConvGru(new ConvGruConfig(c, h, w, tc, th, layers, hidden, kernel, patch)),
            "predrnn" => new PredRnn(new PredRnnConfig(c, h, w, tc, th, layers, hidden, kernel, patch)),
            // SimVP-gSTA: hidden = hid_S, layers = N_T, --temporal = hid_T, --spatial-layers = N_S.
            "simvp" => new SimVp(new SimVpConfig(c, h, w, tc, th, SimVpTranslator.GSta, hidden, o.Int("temporal", 512),
                                                 o.Int("spatial-layers", 4), layers, o.Double("mlp-ratio", 8))),
            // layers = residual blocks, hidden = encoder/decoder width; the clip is context + horizon frames.
            "vqvae" => new VqVae(new VqVaeConfig(c, hidden, layers, o.Int("embedding", 64), o.Int("codes", 512))),
            // MoCoGAN: hidden = base width of the generator and of both discriminators (GeneratorWidth =
            // DiscriminatorWidth), height = ImageSize (= width), clips of context + horizon frames; --content-dim,
            // --motion-dim, --noise-dim = z_C, z_M, noise sizes; layers, kernel, patch unused. Loss and spectral norm
            // stay at the config's defaults (non-saturating, on).
            "mocogan" => new MoCoGan(new MoCoGanConfig(Channels: c, ImageSize: h, Frames: tc + th, ContentDim: o.Int("content-dim", 50),
                                                       MotionDim: o.Int("motion-dim", 10), NoiseDim: o.Int("noise-dim", 10),
                                                       GeneratorWidth: hidden, DiscriminatorWidth: hidden)),
            // Video transformer: layers = divided space–time blocks (Depth), hidden = token width (Dim), patch = patch
            // size, --heads = attention heads (8, the config's default); MlpRatio 4 and MaxFrames 20 stay at the defaults.
            "transformer" => new VideoTransformer(new VideoTransformerConfig(c, h, w, tc, th, PatchSize: patch, Dim: hidden,
                                                                             Depth: layers, Heads: o.Int("heads", 8))),
            _ => throw new ArgumentException($"bench: no benchmark recipe for model '{name}' (known: convlstm, convgru, predrnn, simvp, vqvae, mocogan, transformer)."),
        };
    }

    public static long Parameters(nn.Module model) => model.parameters().Sum(p => p.numel());
}
