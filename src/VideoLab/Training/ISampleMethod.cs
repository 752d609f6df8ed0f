using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>
/// A training method that can show what its model does on a batch, as labelled clips
/// <c>(N, T, C, H, W)</c> in [0, 1]; the trainer writes them to <c>samples/&lt;label&gt;.pt</c> at each
/// validation. Called in eval mode under <c>no_grad</c>, inside a dispose scope.
/// </summary>
public interface ISampleMethod
{
    IReadOnlyDictionary<string, Tensor> Samples(Tensor batch);
}
