using System.Runtime.CompilerServices;
using VideoLab.Runtime;

// Torch's global generator is process-wide and every module constructor draws from it: test classes
// running in parallel would make each other's seeded results flaky. On 2 cores parallelism gains little.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace VideoLab.Tests;

static class TestSetup
{
    // Tests may call torch before touching any VideoLab type: make TorchSharp loadable first.
    [ModuleInitializer]
    internal static void MakeTorchLoadable() => TorchNativeFix.EnsureApplied();
}
