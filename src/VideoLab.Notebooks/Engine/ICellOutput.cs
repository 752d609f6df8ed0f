using VideoLab.Notebooks.Display;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// Where a running cell's outputs go, in the order they happen: the kernel publishes them on Jupyter's
/// iopub channel, the runner stores them in the notebook. Called from any thread: implementations lock.
/// </summary>
public interface ICellOutput
{
    /// <summary>Text the cell wrote; <paramref name="name"/> is <c>stdout</c> or <c>stderr</c>.</summary>
    void Stream(string name, string text);

    /// <summary>A new displayed value (<c>display_data</c>), replaceable later through <paramref name="displayId"/>.</summary>
    void Display(MimeBundle bundle, string displayId);

    /// <summary>Replaces every output shown with <paramref name="displayId"/> (<c>update_display_data</c>).</summary>
    void UpdateDisplay(MimeBundle bundle, string displayId);
}
