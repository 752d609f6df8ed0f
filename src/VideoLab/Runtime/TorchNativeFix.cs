using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VideoLab.Runtime;

/// <summary>
/// Makes TorchSharp's native bridge (<c>libLibTorchSharp.so</c>) loadable on Linux systems whose
/// libstdc++ is older than the one it was built with (Debian 12, Ubuntu 22.04), before the first
/// <c>torch</c> call. See <see cref="ElfVersionPatch"/> for why and for when this can be deleted.
/// </summary>
/// <remarks>
/// Runs once per process, from <see cref="Lab"/>'s static constructor, VideoLab's module initializer,
/// the CLI and the notebook kernel. A no-op on other systems, on a new enough libstdc++, and on an
/// already-patched file. The file is replaced atomically (temp file + rename), so a process that has
/// it mapped keeps the old bytes and a crash never leaves a half-written library.
/// </remarks>
public static class TorchNativeFix
{
    public const string BridgeFileName = "libLibTorchSharp.so";
    static readonly Lock Gate = new();
    static bool _done;

    /// <summary>Patches every <c>libLibTorchSharp.so</c> this process may load. Safe to call many times.</summary>
    /// <exception cref="TorchRuntimeException">A file needs the fix and it cannot be applied.</exception>
    public static void EnsureApplied()
    {
        lock (Gate)
        {
            if (_done || !OperatingSystem.IsLinux()) { _done = true; return; }
            foreach (var path in CandidatePaths())
                ApplyToFile(path);
            _done = true;
        }
    }

    /// <summary>Patches one file if it needs it. Returns true when the file was changed.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static bool ApplyToFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        ElfVersionPatch.Outcome outcome;
        try
        {
            outcome = ElfVersionPatch.Apply(bytes, SystemLibStdCxx.Provides);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException)
        {
            throw new TorchRuntimeException($"TorchSharp's native library {path} cannot be loaded on this system: {e.Message}", e);
        }
        if (!outcome.Changed) return false;
        try
        {
            var temp = path + $".videolab-{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, bytes);
            File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new TorchRuntimeException(
                $"{path} needs {string.Join(", ", outcome.Stubbed)}, which this system's libstdc++ lacks " +
                $"(TorchSharp was built with GCC 13). VideoLab fixes this by editing the file, but could not write it: " +
                $"{e.Message}. Make the file writable, or install libstdc++ from GCC 13 or newer.", e);
        }
        return true;
    }

    /// <summary>Where the runtime will look for the bridge library: the app's native probing folders and TorchSharp's own folder.</summary>
    public static IEnumerable<string> CandidatePaths()
    {
        var folders = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string probing)
            folders.AddRange(probing.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        folders.Add(AppContext.BaseDirectory);
        var torchSharp = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "TorchSharp")?.Location;
        if (!string.IsNullOrEmpty(torchSharp))
        {
            var dir = Path.GetDirectoryName(torchSharp)!;
            folders.Add(dir);
            folders.Add(Path.Combine(dir, "runtimes", "linux-x64", "native"));
        }
        return folders
            .Select(f => Path.Combine(f, BridgeFileName))
            .Where(File.Exists)
            .Select(Path.GetFullPath)
            .Distinct();
    }

    // Runs when any VideoLab type is first touched, so library users need no explicit call.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void OnVideoLabLoaded()
    {
        try { EnsureApplied(); }
        catch (TorchRuntimeException) { /* reported again, with its message, by Lab on first use */ }
    }
#pragma warning restore CA2255
}

/// <summary>The TorchSharp runtime cannot be made to work on this machine; the message says why and what to do.</summary>
public sealed class TorchRuntimeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Asks the system's dynamic loader whether libstdc++ provides a versioned symbol.</summary>
static unsafe class SystemLibStdCxx
{
    static readonly delegate* unmanaged<nint, byte*, byte*, nint> DlVSym = FindDlVSym();
    static readonly nint Handle = NativeLibrary.TryLoad("libstdc++.so.6", out var h) ? h : 0;

    public static bool Provides(string symbol, string version)
    {
        if (Handle == 0 || DlVSym == null) return false;
        var s = Marshal.StringToHGlobalAnsi(symbol);
        var v = Marshal.StringToHGlobalAnsi(version);
        try { return DlVSym(Handle, (byte*)s, (byte*)v) != 0; }
        finally { Marshal.FreeHGlobal(s); Marshal.FreeHGlobal(v); }
    }

    static delegate* unmanaged<nint, byte*, byte*, nint> FindDlVSym()
    {
        // glibc ≥ 2.34 exports dlvsym from libc; older ones from libdl.
        foreach (var lib in new[] { "libc.so.6", "libdl.so.2" })
            if (NativeLibrary.TryLoad(lib, out var handle) && NativeLibrary.TryGetExport(handle, "dlvsym", out var fn))
                return (delegate* unmanaged<nint, byte*, byte*, nint>)fn;
        return null;
    }
}
