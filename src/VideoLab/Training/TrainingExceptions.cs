namespace VideoLab.Training;

/// <summary>A loss became NaN or infinite; the run stopped without saving over the last good checkpoint.</summary>
public sealed class NonFiniteLossException(long step, string name, double value, string? lastGoodCheckpoint)
    : Exception($"Training stopped at step {step}: loss '{name}' is {value}. " +
                (lastGoodCheckpoint is null ? "No checkpoint had been written yet. " : $"The last good checkpoint is {lastGoodCheckpoint}. ") +
                "Try a lower learning rate (--lr) or gradient clipping (--clip-grad).")
{
    public long Step { get; } = step;
    public string LossName { get; } = name;
    public double Value { get; } = value;
    public string? LastGoodCheckpoint { get; } = lastGoodCheckpoint;
}

/// <summary>The data and the model do not fit together (found by a dry forward pass on one batch, before training).</summary>
public sealed class DataModelMismatchException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// A checkpoint's weights do not fit the module this VideoLab builds for it (other parameter names or shapes): most often
/// a checkpoint saved before the model gained or lost a parameter. The message names the file and the module.
/// </summary>
public sealed class CheckpointModelMismatchException(string path, string module, Exception inner)
    : IOException($"Checkpoint {path}: its '{module}' weights do not fit the model this VideoLab builds from its header " +
                           $"({inner.Message}). It was probably saved by an older VideoLab whose model had other parameters " +
                           "(SimVP's attention translator gained position embeddings on 2026-12-02); train it again.", inner);

/// <summary>The device ran out of memory; the message names the batch size and suggests a smaller one.</summary>
public sealed class TrainingOutOfMemoryException(int batchSize, Exception inner)
    : Exception($"Out of memory on the device with batch size {batchSize}. Try a smaller batch, e.g. --batch-size {Math.Max(1, batchSize / 2)}, " +
                $"or a smaller model (--size tiny) or frame size (--image-size). ({inner.Message.Split('\n')[0]})", inner)
{
    public int BatchSize { get; } = batchSize;

    /// <summary>Whether <paramref name="e"/> is LibTorch's out-of-memory error (CUDA, or a failed CPU allocation).</summary>
    public static bool IsOutOfMemory(Exception e) =>
        e is OutOfMemoryException
        || e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("DefaultCPUAllocator: can't allocate memory", StringComparison.Ordinal);
}
