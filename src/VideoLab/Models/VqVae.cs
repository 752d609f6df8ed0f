using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>Configuration of <see cref="VqVae"/>. Defaults: VideoGPT's Moving-MNIST-sized model, smaller.</summary>
public sealed record VqVaeConfig(
    int Channels = 1,               // frame channels
    int Hidden = 128,               // channels inside encoder and decoder (VideoGPT: 240)
    int ResBlocks = 2,              // residual blocks in the encoder and in the decoder (VideoGPT: 4)
    int EmbeddingDim = 64,          // D, size of a code vector (VideoGPT: 256)
    int CodebookSize = 512,         // K, number of codes (VideoGPT: 1024 on BAIR, 2048 on UCF)
    int DownsampleT = 2,            // T / t: a power of two (VideoGPT: 2 or 4)
    int DownsampleH = 4,            // H / h: a power of two
    int DownsampleW = 4,            // W / w: a power of two
    double CommitmentWeight = 0.25, // β of the commitment loss (paper: 0.25)
    double Decay = 0.99,            // γ of the EMA codebook (paper: 0.99)
    double DeadCodeThreshold = 1.0) // restart codes whose EMA count falls below this (VideoGPT: 1)
{
    /// <summary>Stride-2 steps along one axis: log2(factor); throws unless the factor is a power of two.</summary>
    public static int Steps(int factor, string axis)
    {
        if (factor < 1 || (factor & (factor - 1)) != 0)
            throw new ArgumentException($"VqVaeConfig.Downsample{axis} must be a power of two (1, 2, 4, …); got {factor}.");
        return System.Numerics.BitOperations.Log2((uint)factor);
    }
}

/// <summary>The losses of one VQ-VAE forward pass; <see cref="Total"/> is what training minimises.</summary>
public sealed record VqVaeLosses(Tensor Reconstruction, Tensor Commitment)
{
    public Tensor Total { get; } = Reconstruction + Commitment;
}

/// <summary>A VQ-VAE forward pass: the reconstruction <c>(B, T, C, H, W)</c>, the codes <c>(B, t, h, w)</c>, the losses and the batch's codebook perplexity.</summary>
public sealed record VqVaeOutput(Tensor Reconstruction, Tensor Codes, VqVaeLosses Losses, Tensor Perplexity);

/// <summary>
/// A VQ-VAE for video (van den Oord et al. 2017; VideoGPT, Yan et al. 2021): a 3D-convolution encoder
/// downsamples a clip by (DownsampleT, DownsampleH, DownsampleW) to a grid of vectors, a
/// <see cref="VectorQuantizer"/> (EMA codebook) replaces each by its nearest code, and a 3D
/// transposed-convolution decoder mirrors the encoder. Kept from VideoGPT: stride-2 convolutions with
/// kernel 4 on downsampled axes, residual blocks with batch norm, inputs centred to [−0.5, 0.5], EMA
/// codebook with dead-code restarts. Changed: a sigmoid on the output (values in [0, 1]), plain MSE
/// (VideoGPT divides it by the data variance), no axial attention in the residual blocks.
/// </summary>
public sealed class VqVae : nn.Module<Tensor, VqVaeOutput>
{
    readonly Sequential encoder, decoder;
    readonly VectorQuantizer quantizer;

    public VqVae(VqVaeConfig config) : base(nameof(VqVae))
    {
        Config = config;
        int st = VqVaeConfig.Steps(config.DownsampleT, "T"), sh = VqVaeConfig.Steps(config.DownsampleH, "H"), sw = VqVaeConfig.Steps(config.DownsampleW, "W");
        int steps = Math.Max(st, Math.Max(sh, sw));
        long hidden = config.Hidden;
        // Per step and axis: stride 2 with kernel 4 while that axis still has to shrink, else stride 1 with kernel 3.
        (long, long, long) Stride(int i) => (i < st ? 2 : 1, i < sh ? 2 : 1, i < sw ? 2 : 1);
        static (long, long, long) Kernel((long t, long h, long w) s) => (s.t + 2, s.h + 2, s.w + 2);

        var enc = new List<(string, nn.Module<Tensor, Tensor>)> { ("conv_in", nn.Conv3d(config.Channels, hidden, 3, padding: 1)) };
        for (int i = 0; i < steps; i++)
        {
            enc.Add(($"down{i}", nn.Conv3d(hidden, hidden, Kernel(Stride(i)), stride: Stride(i), padding: (1, 1, 1))));  // (t, h, w) halved where strided
            enc.Add(($"down{i}_relu", nn.ReLU()));
        }
        for (int i = 0; i < config.ResBlocks; i++) enc.Add(($"res{i}", new ResBlock3d(hidden)));
        enc.Add(("norm_out", nn.BatchNorm3d(hidden)));
        enc.Add(("relu_out", nn.ReLU()));
        enc.Add(("to_embedding", nn.Conv3d(hidden, config.EmbeddingDim, 1)));  // (B, D, t, h, w)
        encoder = nn.Sequential(enc);

        quantizer = new VectorQuantizer(config.CodebookSize, config.EmbeddingDim, config.CommitmentWeight, config.Decay, config.DeadCodeThreshold);

        var dec = new List<(string, nn.Module<Tensor, Tensor>)> { ("from_embedding", nn.Conv3d(config.EmbeddingDim, hidden, 3, padding: 1)) };
        for (int i = 0; i < config.ResBlocks; i++) dec.Add(($"res{i}", new ResBlock3d(hidden)));
        dec.Add(("norm", nn.BatchNorm3d(hidden)));
        dec.Add(("relu", nn.ReLU()));
        for (int i = steps - 1; i >= 0; i--)
        {
            dec.Add(($"up{i}", nn.ConvTranspose3d(hidden, hidden, Kernel(Stride(i)), stride: Stride(i), padding: (1, 1, 1))));  // doubled where strided
            dec.Add(($"up{i}_relu", nn.ReLU()));
        }
        dec.Add(("conv_out", nn.Conv3d(hidden, config.Channels, 3, padding: 1)));
        dec.Add(("to_unit", nn.Sigmoid()));
        decoder = nn.Sequential(dec);
        RegisterComponents();
    }

    public VqVaeConfig Config { get; }
    public VectorQuantizer Quantizer => quantizer;

    /// <summary>The code grid <c>(t, h, w)</c> of clips of <paramref name="frames"/> frames of <paramref name="height"/>×<paramref name="width"/>.</summary>
    public (int T, int H, int W) LatentShape(long frames, long height, long width) =>
        ((int)(frames / Config.DownsampleT), (int)(height / Config.DownsampleH), (int)(width / Config.DownsampleW));

    /// <summary>Encodes, quantises (updating the codebook in training mode) and decodes a clip batch <c>(B, T, C, H, W)</c>.</summary>
    public override VqVaeOutput forward(Tensor clips)
    {
        CheckClips(clips, "VqVae.forward");
        var q = quantizer.call(EncodeContinuous(clips));                       // (B, D, t, h, w)
        var reconstruction = DecodeVectors(q.Quantized);                       // (B, T, C, H, W)
        var losses = new VqVaeLosses(nn.functional.mse_loss(reconstruction, clips), q.Commitment);
        return new VqVaeOutput(reconstruction, q.Codes, losses, q.Perplexity);
    }

    /// <summary>Clip batch <c>(B, T, C, H, W)</c> → code indices <c>(B, t, h, w)</c>, int64. No codebook update.</summary>
    public Tensor Encode(Tensor clips)
    {
        CheckClips(clips, "VqVae.Encode");
        return quantizer.Encode(EncodeContinuous(clips));
    }

    /// <summary>Code indices <c>(B, t, h, w)</c> → clips <c>(B, T, C, H, W)</c> in [0, 1].</summary>
    public Tensor Decode(Tensor codes)
    {
        if (codes.dim() != 4)
            throw new ArgumentException($"VqVae.Decode: expected codes (B, t, h, w), got {VideoShape.Format(codes.shape)}.");
        return DecodeVectors(quantizer.Lookup(codes));
    }

    Tensor EncodeContinuous(Tensor clips) =>
        encoder.call(clips.permute(0, 2, 1, 3, 4) - 0.5);                     // (B, C, T, H, W) → (B, D, t, h, w)

    Tensor DecodeVectors(Tensor vectors) =>
        decoder.call(vectors).permute(0, 2, 1, 3, 4);                          // (B, C, T, H, W) → (B, T, C, H, W)

    void CheckClips(Tensor clips, string who)
    {
        VideoShape.Check(clips, who, Config.Channels);
        var s = clips.shape;
        if (s[1] % Config.DownsampleT != 0 || s[3] % Config.DownsampleH != 0 || s[4] % Config.DownsampleW != 0)
            throw new VideoShapeException(
                $"{who}: T, H, W must be divisible by the downsampling factors ({Config.DownsampleT}, {Config.DownsampleH}, {Config.DownsampleW}); " +
                $"got {VideoShape.Format(s)}. Crop or resize the clips, or change the factors.");
    }

    /// <summary>Saves the weights (and codebook) to <paramref name="path"/> and the config beside it as <c>path.json</c>.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        save(path);
        File.WriteAllText(path + ".json", JsonSerializer.Serialize(Config, ModelRegistry.Json));
    }

    /// <summary>Rebuilds a VQ-VAE saved with <see cref="Save"/> (weights at <paramref name="path"/>, config at <c>path.json</c>) on <paramref name="device"/>.</summary>
    public static VqVae Load(string path, Device? device = null)
    {
        if (!File.Exists(path) || !File.Exists(path + ".json"))
            throw new FileNotFoundException(
                $"VqVae.Load: expected the weights at '{path}' and the config at '{path}.json' (as VqVae.Save writes them).", path);
        var config = JsonSerializer.Deserialize<VqVaeConfig>(File.ReadAllText(path + ".json"), ModelRegistry.Json)
                     ?? throw new InvalidDataException($"VqVae.Load: '{path}.json' holds no config.");
        var model = new VqVae(config);
        model.load(path);
        if (device is not null) model.to(device);
        return model;
    }
}
