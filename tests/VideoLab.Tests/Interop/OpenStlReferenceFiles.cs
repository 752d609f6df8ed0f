using VideoLab.Data;
using VideoLab.Tests.Data;
using VideoLab.Tests.References;
using static TorchSharp.torch;

namespace VideoLab.Tests.Interop;

/// <summary>
/// The files References/openstl_reference.py makes once per test run with Debian's PyTorch: tiny OpenSTL-layout models
/// (ConvLSTM, PredRNN, SimVP-gSTA, TAU) initialised at random, saved as state_dicts in OpenSTL's checkpoint layouts,
/// with their OpenSTL arguments, an input and the output PyTorch computed; plus files that are not state_dicts.
/// </summary>
public sealed class OpenStlReferenceFiles : IDisposable
{
    readonly TempFolder folder = new();

    public OpenStlReferenceFiles() => DebianPython.RunFile("openstl_reference.py", "make", folder.Path);

    /// <summary>A file the script made.</summary>
    public string File(string name) => folder.File(name);

    /// <summary>An NPY file the script made, as a tensor.</summary>
    public Tensor Array(string name) => NpyTensor.Read(folder.File(name));

    public void Dispose() => folder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class OpenStlReferenceCollection : ICollectionFixture<OpenStlReferenceFiles>
{
    public const string Name = "OpenSTL reference files";
}
