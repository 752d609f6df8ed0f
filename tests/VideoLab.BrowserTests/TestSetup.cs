using System.Runtime.CompilerServices;
using VideoLab.Runtime;

namespace VideoLab.BrowserTests;

static class TestSetup
{
    // The test run directories are written with torch: make TorchSharp loadable first.
    [ModuleInitializer]
    internal static void MakeTorchLoadable() => TorchNativeFix.EnsureApplied();
}
