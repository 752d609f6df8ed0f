using System.Runtime.CompilerServices;
using VideoLab.Runtime;

namespace VideoLab.Notebooks.Tests;

static class TestSetup
{
    // Tests may call torch before touching any VideoLab type: make TorchSharp loadable first.
    [ModuleInitializer]
    internal static void MakeTorchLoadable() => TorchNativeFix.EnsureApplied();
}
