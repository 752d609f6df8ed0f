using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoLab.Notebooks.Format;

namespace VideoLab.Notebooks.Kernel;

/// <summary>
/// The kernelspec that tells Jupyter (JupyterLab, Notebook, VS Code, nbclient, papermill) how to start
/// this kernel: a folder <c>kernels/videolab/</c> with a <c>kernel.json</c> whose argv runs
/// <c>videolab kernel run --connection-file {connection_file}</c>.
/// </summary>
public static class KernelSpec
{
    /// <summary>The user's kernels folder: <c>$XDG_DATA_HOME/jupyter/kernels</c> or <c>~/.local/share/jupyter/kernels</c> (Linux).</summary>
    public static string UserKernelsFolder()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter", "kernels");
        if (OperatingSystem.IsMacOS())
            return Path.Combine(home, "Library", "Jupyter", "kernels");
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        return Path.Combine(string.IsNullOrEmpty(data) ? Path.Combine(home, ".local", "share") : data, "jupyter", "kernels");
    }

    /// <summary>The kernels folder under an installation prefix: <c>PREFIX/share/jupyter/kernels</c>.</summary>
    public static string PrefixKernelsFolder(string prefix) => Path.Combine(Path.GetFullPath(prefix), "share", "jupyter", "kernels");

    /// <summary>The system-wide kernels folder Jupyter searches (<c>/usr/local/share/jupyter/kernels</c> on Linux and macOS).</summary>
    public static string SystemKernelsFolder() => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "jupyter", "kernels")
        : "/usr/local/share/jupyter/kernels";

    /// <summary>How to start this program again: <c>dotnet VideoLab.Cli.dll</c>, or the apphost / tool executable alone.</summary>
    public static IReadOnlyList<string> CurrentProgram()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && !string.IsNullOrEmpty(entry) ? [process, entry] : [process];
    }

    /// <summary>
    /// Writes <c>kernel.json</c> and the logos (<c>logo-32x32.png</c>, <c>logo-64x64.png</c>) into
    /// <c>kernelsFolder/videolab/</c>; returns the path of <c>kernel.json</c> and the program the replaced one started, if any.
    /// </summary>
    /// <param name="kernelsFolder">A Jupyter <c>kernels</c> folder.</param>
    /// <param name="program">The command that starts VideoLab's CLI (see <see cref="CurrentProgram"/>).</param>
    public static (string Path, string? Replaced) Install(string kernelsFolder, IReadOnlyList<string> program)
    {
        var folder = Path.Combine(kernelsFolder, KernelInfo.Name);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "kernel.json");
        var replaced = ProgramOf(path) is { } previous && previous != string.Join(" ", program) ? previous : null;
        var argv = new JsonArray([.. program.Concat(["kernel", "run", "--connection-file", "{connection_file}"]).Select(a => JsonValue.Create(a))]);
        var spec = new JsonObject
        {
            ["argv"] = argv,
            ["display_name"] = KernelInfo.DisplayName,
            ["language"] = KernelInfo.Language,
            ["interrupt_mode"] = "message",
            ["metadata"] = new JsonObject
            {
                ["debugger"] = false,
                // Which build this kernel runs: a kernelspec outlives the checkout or build that installed it.
                ["videolab"] = new JsonObject { ["version"] = KernelInfo.Version, ["library"] = KernelInfo.LibraryPath },
            },
        };
        File.WriteAllText(path, spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        foreach (var size in new[] { 32, 64 })
            File.WriteAllBytes(Path.Combine(folder, $"logo-{size}x{size}.png"), KernelLogo.Png(size));
        return (path, replaced);
    }

    /// <summary>The program an installed kernel.json starts (its argv before <c>kernel run</c>), or null.</summary>
    static string? ProgramOf(string kernelJson)
    {
        try
        {
            if (!File.Exists(kernelJson) || JsonNode.Parse(File.ReadAllText(kernelJson))?["argv"] is not JsonArray argv) return null;
            return string.Join(" ", argv.Select(a => (string?)a).TakeWhile(a => a != "kernel"));
        }
        catch (JsonException) { return null; }
    }
}
