using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using VideoLab.Runtime;

namespace VideoLab.Notebooks.Packages;

/// <summary>
/// Makes a notebook's native libraries loadable. Those of one reference are gathered into one folder of
/// the cache (symbolic links into NuGet's packages folder, so libraries find their neighbours), except
/// <c>libLibTorchSharp.so</c>, which is copied and patched with <see cref="TorchNativeFix"/> so that
/// TorchSharp loads on Debian 12's libstdc++. The packages folder itself is never written.
/// The default load context asks <see cref="Resolve"/> for any native library its own probing misses.
/// </summary>
static class NativeLibraries
{
    static readonly Lock Gate = new();
    static readonly List<string> Folders = [];
    static bool _hooked;

    /// <summary>Folders searched, in the order they were added.</summary>
    public static IReadOnlyList<string> SearchFolders { get { lock (Gate) return [.. Folders]; } }

    /// <summary>Gathers <paramref name="files"/> into a cache folder and adds it to the search path. Returns the folder.</summary>
    public static string Stage(IReadOnlyList<string> files, string cacheRoot)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", files.Order()))))[..16];
        var folder = Path.Combine(cacheRoot, "native", key);
        lock (Gate)
        {
            if (!Directory.Exists(folder)) Build(folder, files);
            if (OperatingSystem.IsLinux())
                foreach (var bridge in Directory.GetFiles(folder, TorchNativeFix.BridgeFileName))
                    TorchNativeFix.ApplyToFile(bridge);
            if (!Folders.Contains(folder)) Folders.Add(folder);
            if (!_hooked)
            {
                AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
                _hooked = true;
            }
        }
        return folder;
    }

    static void Build(string folder, IReadOnlyList<string> files)
    {
        var temp = folder + $".tmp-{Environment.ProcessId}";
        Directory.CreateDirectory(temp);
        foreach (var file in files)
        {
            var destination = Path.Combine(temp, Path.GetFileName(file));
            if (File.Exists(destination)) continue;
            // The bridge gets patched, so it must be our own copy; everything else is linked.
            if (Path.GetFileName(file) == TorchNativeFix.BridgeFileName || OperatingSystem.IsWindows())
                File.Copy(file, destination);
            else
                File.CreateSymbolicLink(destination, file);
        }
        try { Directory.Move(temp, folder); }
        catch (IOException) when (Directory.Exists(folder)) { Directory.Delete(temp, recursive: true); } // another process won
    }

    /// <summary>Finds <paramref name="name"/> (as given, as <c>lib{name}.so</c>, <c>{name}.so</c>, …) in the staged folders.</summary>
    static IntPtr Resolve(Assembly assembly, string name)
    {
        foreach (var folder in SearchFolders)
            foreach (var candidate in Candidates(name))
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
            }
        return IntPtr.Zero;
    }

    static IEnumerable<string> Candidates(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows()) { yield return name + ".dll"; yield break; }
        var suffix = OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        yield return "lib" + name + suffix;
        yield return name + suffix;
        yield return "lib" + name;
    }
}
