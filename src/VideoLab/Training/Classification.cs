using TorchSharp;
using VideoLab.Data;
using VideoLab.Metrics;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>One logged step of <see cref="Classification.Fit"/>: the batch's cross-entropy and accuracy.</summary>
public sealed record ClassificationStep(long Step, double Loss, double Accuracy);

/// <summary>
/// Trains and scores video classifiers (clips → class scores) on an <see cref="ILabelledClipDataset"/>: cross-entropy,
/// Adam, gradients clipped to norm 1, one dispose scope per step, batches in <see cref="ClipLoader"/>'s seeded order.
/// The prediction notebooks write this loop out once; classification reuses it from here.
/// </summary>
public static class Classification
{
    /// <summary>Labelled batches of one epoch: clips <c>(B, T, C, H, W)</c> and labels <c>(B)</c> (int64) on <paramref name="device"/>.</summary>
    public static IEnumerable<(Tensor Clips, Tensor Labels)> Batches(ILabelledClipDataset data, int batchSize, int epoch, long seed = 0,
                                                                     bool shuffle = true, Device? device = null)
    {
        var order = new ClipLoader(data, batchSize, shuffle, seed, dropLast: false).Order(epoch);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var indices = order.Skip(start).Take(batchSize).ToArray();
            using var scope = NewDisposeScope();
            var clips = stack(indices.Select(data.GetClip).ToArray()).to(device ?? CPU);                      // (B, T, C, H, W)
            var labels = tensor(indices.Select(i => (long)data.Label(i)).ToArray()).to(device ?? CPU);        // (B)
            yield return (clips.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
        }
    }

    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="steps"/> steps of <paramref name="batchSize"/> clips and returns
    /// every step's loss and batch accuracy; <paramref name="progress"/> sees each step as it ends (for a live chart).
    /// </summary>
    public static List<ClassificationStep> Fit(nn.Module<Tensor, Tensor> model, ILabelledClipDataset data, long steps, int batchSize = 16,
                                               double learningRate = 1e-3, long seed = 0, Action<ClassificationStep>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        Lab.Seed(seed);
        var device = model.parameters().First().device;
        var optimizer = optim.Adam(model.parameters(), lr: learningRate);
        var history = new List<ClassificationStep>();
        model.train();
        for (int epoch = 0; history.Count < steps; epoch++)
            foreach (var (clips, labels) in Batches(data, batchSize, epoch, seed, device: device))
            {
                using var scope = NewDisposeScope();
                using var ownedClips = clips;                                                 // the batch was made outside the scope
                using var ownedLabels = labels;
                var logits = model.call(clips);                                               // (B, classes)
                var loss = nn.functional.cross_entropy(logits, labels);
                optimizer.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                optimizer.step();
                double accuracy = logits.argmax(1).eq(labels).to(ScalarType.Float32).mean().item<float>();
                var step = new ClassificationStep(history.Count + 1, loss.item<float>(), accuracy);
                history.Add(step);
                progress?.Invoke(step);
                if (history.Count >= steps) break;
            }
        return history;
    }

    /// <summary>The confusion matrix of <paramref name="model"/> on every clip of <paramref name="data"/> (eval mode, no gradients).</summary>
    public static ConfusionMatrix Evaluate(nn.Module<Tensor, Tensor> model, ILabelledClipDataset data, int batchSize = 32)
    {
        var matrix = new ConfusionMatrix(data.Classes);
        var device = model.parameters().First().device;
        bool training = model.training;
        model.eval();
        using (no_grad())
            foreach (var (clips, labels) in Batches(data, batchSize, 0, shuffle: false, device: device))
            {
                using var scope = NewDisposeScope();
                using var ownedClips = clips;
                using var ownedLabels = labels;
                var predicted = model.call(clips).argmax(1).cpu().data<long>().ToArray();
                var truth = labels.cpu().data<long>().ToArray();
                for (int i = 0; i < truth.Length; i++) matrix.Add((int)truth[i], (int)predicted[i]);
            }
        if (training) model.train();
        return matrix;
    }
}
