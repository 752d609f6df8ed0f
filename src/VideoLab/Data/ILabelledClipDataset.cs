namespace VideoLab.Data;

/// <summary>Clips with a class each: for video classification (action recognition).</summary>
public interface ILabelledClipDataset : IClipDataset
{
    /// <summary>Class names; a label indexes this list.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>The class of clip <paramref name="index"/>, in <c>[0, Classes.Count)</c>, or −1 when it has none.</summary>
    int Label(long index);
}
