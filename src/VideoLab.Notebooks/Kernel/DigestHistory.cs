namespace VideoLab.Notebooks.Kernel;

/// <summary>
/// The signatures of the messages received so far, as jupyter_client's Session keeps them (<c>digest_history</c>):
/// a message whose signature was seen before is a replay and is refused. Bounded: past
/// <see cref="Capacity"/> signatures, the oldest tenth is forgotten (jupyter_client drops a random tenth).
/// </summary>
public sealed class DigestHistory
{
    /// <summary>jupyter_client's <c>digest_history_size</c> default.</summary>
    public const int Capacity = 1 << 16;

    readonly HashSet<string> _seen = [];
    readonly Queue<string> _order = new();
    readonly Lock _gate = new();

    /// <summary>Records <paramref name="signature"/>; false when it was seen before (a replay).</summary>
    public bool Add(string signature)
    {
        lock (_gate)
        {
            if (!_seen.Add(signature)) return false;
            _order.Enqueue(signature);
            if (_order.Count > Capacity)
                for (int i = 0; i < Capacity / 10; i++) _seen.Remove(_order.Dequeue());
            return true;
        }
    }
}
