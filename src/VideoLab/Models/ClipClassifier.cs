using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>Settings of <see cref="ClipClassifier"/>.</summary>
/// <param name="Channels">Frame channels.</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="Width">Channels of the first block; each further block doubles them.</param>
/// <param name="Blocks">Convolution blocks, each halving height and width (never time).</param>
/// <param name="TemporalKernel">Frames each convolution sees: 3 mixes neighbouring frames (C3D); 1 makes every
/// block a per-frame 2D convolution, so the model only averages frame features over time.</param>
public sealed record ClipClassifierConfig(int Channels = 3, int Classes = 4, int Width = 16, int Blocks = 3, int TemporalKernel = 3);

/// <summary>
/// A small video classifier in the line of C3D (Tran et al. 2015, "Learning Spatiotemporal Features with 3D
/// Convolutional Networks"): blocks of k_t×3×3 convolution → GroupNorm → ReLU, each halving space with stride
/// (1, 2, 2), then an average over time and space and a linear layer to class scores. Kept: 3×3×3 kernels and
/// time kept whole until the pooling. Changed: a few narrow blocks instead of C3D's eight, GroupNorm, and global
/// average pooling instead of fully connected layers, so any clip length and frame size work.
/// With <see cref="ClipClassifierConfig.TemporalKernel"/> = 1 it is the per-frame baseline: a 2D CNN on every
/// frame whose features are averaged over time, blind to the order of the frames.
/// <c>(B, T, C, H, W)</c> → logits <c>(B, Classes)</c>.
/// </summary>
public sealed class ClipClassifier : nn.Module<Tensor, Tensor>
{
    readonly Sequential features;  // (B, C, T, H, W) → (B, top, T, H/2^blocks, W/2^blocks)
    readonly Linear head;          // top → classes

    public ClipClassifierConfig Config { get; }

    public ClipClassifier(ClipClassifierConfig config) : base(nameof(ClipClassifier))
    {
        if (config.Blocks < 1 || config.Width < 2 || config.Width % 2 != 0 || config.Classes < 2 || config.TemporalKernel is < 1 || config.TemporalKernel % 2 == 0)
            throw new ArgumentException($"{nameof(ClipClassifier)}: needs ≥ 1 block, an even width, ≥ 2 classes and an odd temporal kernel, got {config}.");
        Config = config;
        features = nn.Sequential();
        int k = config.TemporalKernel;
        for (int i = 0; i < config.Blocks; i++)
        {
            int cIn = i == 0 ? config.Channels : config.Width << (i - 1), cOut = config.Width << i;
            features.append($"block{i}", nn.Sequential(
                nn.Conv3d(cIn, cOut, (k, 3, 3), stride: (1, 2, 2), padding: (k / 2, 1, 1)),
                Norms.GroupNorm(2, cOut), nn.ReLU()));
        }
        head = nn.Linear(config.Width << (config.Blocks - 1), config.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor clips)
    {
        VideoShape.Check(clips, nameof(ClipClassifier), Config.Channels);
        var volume = clips.transpose(1, 2);                   // (B, C, T, H, W)
        var pooled = features.call(volume).mean([2, 3, 4]);   // (B, top): averaged over time and space
        return head.call(pooled);                              // (B, classes)
    }
}
