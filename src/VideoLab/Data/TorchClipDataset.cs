using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>
/// Any <see cref="IClipDataset"/> as TorchSharp's <c>torch.utils.data.Dataset</c>, for code written against
/// TorchSharp's <c>DataLoader</c> (which stacks each key into a batch): item i is <c>{"clip": (T, C, H, W)}</c>,
/// plus <c>{"label": ()}</c> (int64) for a <see cref="VideoFolder"/>. VideoLab's own <see cref="ClipLoader"/>
/// adds a seeded order that survives a resume and background prefetch.
/// </summary>
public sealed class TorchClipDataset(IClipDataset clips) : utils.data.Dataset
{
    public override long Count => clips.Count;

    public override Dictionary<string, Tensor> GetTensor(long index)
    {
        var item = new Dictionary<string, Tensor> { ["clip"] = clips.GetClip(index) };
        if (clips is VideoFolder folder) item["label"] = tensor((long)folder.Label(index));
        return item;
    }
}
