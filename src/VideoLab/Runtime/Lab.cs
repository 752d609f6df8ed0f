using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Runtime;

/// <summary>
/// The one entry point for the runtime: which device to use, one seed for every random number
/// generator, and quick mode. Touching it first also makes TorchSharp loadable (see <see cref="TorchNativeFix"/>).
/// </summary>
public static class Lab
{
    /// <summary>Environment variable that turns quick mode on (<c>1</c>, <c>true</c> or <c>yes</c>).</summary>
    public const string QuickVariable = "VIDEOLAB_QUICK";
    /// <summary>Environment variable that forces a device (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>).</summary>
    public const string DeviceVariable = "VIDEOLAB_DEVICE";

    static Lab()
    {
        TorchNativeFix.EnsureApplied();
        try
        {
            Device = ChooseDevice(Environment.GetEnvironmentVariable(DeviceVariable));
        }
        catch (TypeInitializationException e)
        {
            throw new TorchRuntimeException(
                "TorchSharp failed to initialise its native libraries. " +
                $"Cause: {e.InnerException?.Message ?? e.Message}. " +
                "Check that the LibTorch package for this platform is restored (see README, Prerequisites).", e);
        }
    }

    /// <summary>CUDA when a GPU is visible (or <c>VIDEOLAB_DEVICE</c> says so), otherwise CPU.</summary>
    public static Device Device { get; }

    /// <summary>Quick mode shrinks data, model sizes and budgets so notebooks and tests run in minutes on 2 CPU cores.</summary>
    public static bool Quick => IsOn(Environment.GetEnvironmentVariable(QuickVariable));

    /// <summary>The managed RNG seeded by <see cref="Seed"/>: use it for any random choice outside torch.</summary>
    public static Random Random { get; private set; } = new(0);

    /// <summary>The seed last passed to <see cref="Seed"/>.</summary>
    public static long CurrentSeed { get; private set; }

    /// <summary>Seeds torch (CPU and CUDA) and <see cref="Random"/> from one number.</summary>
    public static void Seed(long seed)
    {
        torch.random.manual_seed(seed);
        if (Device.type == DeviceType.CUDA) torch.cuda.manual_seed_all(seed);
        Random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        CurrentSeed = seed;
    }

    /// <summary>What the runtime picked, for logs and run directories.</summary>
    public static RuntimeReport Report() => new(
        Device: Device.ToString(),
        CudaAvailable: torch.cuda.is_available(),
        Threads: torch.get_num_threads(),
        TorchSharpVersion: typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
        LibTorchVersion: torch.__version__,
        Quick: Quick,
        Os: System.Runtime.InteropServices.RuntimeInformation.OSDescription);

    internal static Device ChooseDevice(string? requested)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            var name = requested.Trim().ToLowerInvariant();
            // torch.device("cuda") itself fails without CUDA, with a message that does not say what to do.
            if (name.StartsWith("cuda") && !torch.cuda.is_available())
                throw new TorchRuntimeException(
                    $"{DeviceVariable}={requested} asks for CUDA, but no CUDA device is available " +
                    "(CPU build of LibTorch, or no GPU). Unset it to use the CPU, or build with -p:TorchBackend=cuda.");
            return torch.device(name);
        }
        return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
    }

    internal static bool IsOn(string? value) =>
        value is not null && (value.Trim() is "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase)
                                                  || value.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase));
}

/// <summary>The runtime's choices, printable and serialisable.</summary>
public sealed record RuntimeReport(string Device, bool CudaAvailable, int Threads, string TorchSharpVersion,
                                   string LibTorchVersion, bool Quick, string Os)
{
    public override string ToString() =>
        $"device {Device} (CUDA available: {CudaAvailable}), {Threads} threads, TorchSharp {TorchSharpVersion}, " +
        $"LibTorch {LibTorchVersion}, quick mode {(Quick ? "on" : "off")}, {Os}";
}
