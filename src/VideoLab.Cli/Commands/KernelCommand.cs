using System.CommandLine;
using NetMQ;
using VideoLab.Notebooks.Engine;
using VideoLab.Notebooks.Format;
using VideoLab.Notebooks.Kernel;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab kernel install [--user | --prefix DIR]</c> registers the C# kernel with Jupyter;
/// <c>videolab kernel run --connection-file F</c> is what Jupyter starts (the kernelspec's argv).
/// </summary>
static class KernelCommand
{
    public static Command Create()
    {
        var user = new Option<bool>("--user") { Description = "Install for this user (~/.local/share/jupyter/kernels) instead of system-wide." };
        var prefix = new Option<string?>("--prefix") { Description = "Install under PREFIX/share/jupyter/kernels (a virtual environment, a conda env, a test folder)." };
        var install = new Command("install", "Write the `videolab` kernelspec (\"C# (VideoLab)\") so Jupyter, VS Code, nbconvert and papermill can use this kernel.") { user, prefix };
        install.SetAction(parse => Install(parse.GetValue(user), parse.GetValue(prefix)));

        var connectionFile = new Option<string>("--connection-file", "-f") { Description = "The connection file Jupyter wrote.", Required = true };
        var run = new Command("run", "Run the kernel (started by Jupyter from the kernelspec).") { connectionFile };
        run.SetAction((parse, cancellation) => Run(parse.GetValue(connectionFile)!, cancellation));

        return new Command("kernel", "The Jupyter kernel for C# notebooks.") { install, run };
    }

    static int Install(bool user, string? prefix)
    {
        if (user && prefix is not null)
        {
            Console.Error.WriteLine("error: give either --user or --prefix, not both.");
            return 2;
        }
        var folder = prefix is not null ? KernelSpec.PrefixKernelsFolder(prefix)
                   : user ? KernelSpec.UserKernelsFolder()
                   : KernelSpec.SystemKernelsFolder();
        try
        {
            var (path, replaced) = KernelSpec.Install(folder, KernelSpec.CurrentProgram());
            Console.WriteLine($"Installed the kernelspec videolab (C# (VideoLab)) at {path}");
            Console.WriteLine($"It runs VideoLab {KernelInfo.Version} from {KernelInfo.LibraryPath}.");
            if (replaced is not null)
                Console.WriteLine($"It replaces a kernelspec that started another build: {replaced}");
            return 0;
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"error: cannot write to {folder} ({e.Message}). Use --user, or --prefix with a folder you can write.");
            return 1;
        }
    }

    static async Task<int> Run(string connectionFile, CancellationToken cancellation)
    {
        if (!File.Exists(connectionFile))
        {
            Console.Error.WriteLine($"error: no connection file at {connectionFile}.");
            return 2;
        }
        ConnectionInfo connection;
        try
        {
            connection = ConnectionInfo.Load(connectionFile);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"error: cannot use the connection file {connectionFile}: {e.Message}");
            return 2;
        }
        using (var server = new KernelServer(connection, new EngineOptions { BaseDirectory = Environment.CurrentDirectory }))
            await server.RunAsync(cancellation);
        NetMQConfig.Cleanup(block: false);
        // Threads a notebook started may still run; the kernel's life ends with shutdown.
        Environment.Exit(0);
        return 0;
    }
}
