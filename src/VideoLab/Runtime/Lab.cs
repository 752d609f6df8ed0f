using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Runtime;

/// <summary>
/// How much a tutorial notebook trains: the budget of data, model sizes and steps.
/// </summary>
public enum LabMode
{
    /// <summary>Seconds per notebook on two CPU cores: tiny models, a few dozen steps. What the tests run; nothing is learned.</summary>
    Ci,
    /// <summary>Minutes per notebook on a laptop's CPU: small models trained long enough to beat the baselines. The default without CUDA.</summary>
    Cpu,
    /// <summary>The published sizes and training lengths: hours on a GPU. The default with CUDA.</summary>
    Gpu,
}

/// <summary>
/// The one entry point for the runtime: which device to use, one seed for every random number
/// generator, and the tutorials' mode. Touching it first also makes TorchSharp loadable (see <see cref="TorchNativeFix"/>).
/// </summary>
public static class Lab
{
    /// <summary>Environment variable that selects the mode for runners and tests (<c>ci</c>, <c>cpu</c> or <c>gpu</c>).</summary>
    public const string ModeVariable = "VIDEOLAB_MODE";
    /// <summary>The older switch: <c>1</c>, <c>true</c> or <c>yes</c> selects <see cref="LabMode.Ci"/> (when <see cref="ModeVariable"/> is unset).</summary>
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

    static LabMode? _mode;

    /// <summary>
    /// The mode the tutorials train in. Set it in a notebook's first cell (<c>Lab.Mode = LabMode.Cpu;</c>) to choose;
    /// until then it is <see cref="DefaultMode"/>.
    /// </summary>
    public static LabMode Mode
    {
        get => _mode ?? DefaultMode;
        set => _mode = value;
    }

    /// <summary>
    /// The mode when none was set: <c>VIDEOLAB_MODE</c> if a runner or test set it (or <c>VIDEOLAB_QUICK=1</c>: ci),
    /// else <see cref="LabMode.Gpu"/> when the device is CUDA and <see cref="LabMode.Cpu"/> otherwise, so that
    /// Run All on a laptop never starts a GPU-sized training.
    /// </summary>
    public static LabMode DefaultMode =>
        ParseMode(Environment.GetEnvironmentVariable(ModeVariable), ModeVariable) is { } m ? m
        : IsOn(Environment.GetEnvironmentVariable(QuickVariable)) ? LabMode.Ci
        : Device.type == DeviceType.CUDA ? LabMode.Gpu : LabMode.Cpu;

    /// <summary>True in <see cref="LabMode.Ci"/>: tiny data, sizes and budgets (tests, <c>--mode ci</c>, the old quick mode).</summary>
    public static bool Quick => Mode == LabMode.Ci;

    /// <summary>
    /// <c>ci</c>, <c>cpu</c> or <c>gpu</c> (any case) as a mode; null for null or blank; otherwise an error naming
    /// <paramref name="source"/> and the accepted values.
    /// </summary>
    public static LabMode? ParseMode(string? value, string source = "mode") => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "ci" => LabMode.Ci,
        "cpu" => LabMode.Cpu,
        "gpu" => LabMode.Gpu,
        _ => throw new ArgumentException($"{source} is '{value}'; expected ci, cpu or gpu."),
    };

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
        Mode: Mode,
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
                                   string LibTorchVersion, LabMode Mode, string Os)
{
    public override string ToString() =>
        $"device {Device} (CUDA available: {CudaAvailable}), {Threads} threads, TorchSharp {TorchSharpVersion}, " +
        $"LibTorch {LibTorchVersion}, mode {Mode.ToString().ToLowerInvariant()}, {Os}";
}
