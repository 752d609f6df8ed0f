using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VideoLab.Notebooks.Tests;

namespace VideoLab.BrowserTests;

/// <summary>
/// Debian's classic Jupyter Notebook 6.4 (package <c>jupyter-notebook</c>) on 127.0.0.1 with VideoLab's kernel,
/// everything Jupyter writes (kernelspec, notary database, runtime files, config) in one temporary folder:
/// nothing goes to <c>~/.local/share/jupyter</c> or <c>~/.jupyter</c>.
/// </summary>
public sealed class JupyterServer : IAsyncLifetime
{
    const string Jupyter = "/usr/bin/jupyter";
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    Process? _server;
    readonly System.Text.StringBuilder _log = new();

    public string Root { get; } = TestPaths.TempFolder("jupyter");
    public string NotebookFolder => Path.Combine(Root, "notebooks");
    public string Token { get; } = Guid.NewGuid().ToString("N");
    public int Port { get; private set; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>What the server wrote so far, for failure messages.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Jupyter), $"{Jupyter} is missing: install the Debian package `jupyter-notebook` (bash tests/run does).");
        Directory.CreateDirectory(NotebookFolder);
        var prefix = Path.Combine(Root, "prefix");
        var install = await Processes.Run("dotnet", [TestPaths.CliDll, "kernel", "install", "--prefix", prefix], TimeSpan.FromMinutes(1));
        Assert.True(install.ExitCode == 0, install.ToString());

        Port = FreePort();
        var start = new ProcessStartInfo(Jupyter,
            ["notebook", "--no-browser", "--ip", "127.0.0.1", "--port", Port.ToString(), "--port-retries=0",
             $"--NotebookApp.token={Token}", "--allow-root", $"--notebook-dir={NotebookFolder}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter");
        start.Environment["JUPYTER_DATA_DIR"] = Path.Combine(Root, "data");
        start.Environment["JUPYTER_CONFIG_DIR"] = Path.Combine(Root, "config");
        start.Environment["JUPYTER_RUNTIME_DIR"] = Path.Combine(Root, "runtime");
        start.Environment["IPYTHONDIR"] = Path.Combine(Root, "ipython");
        start.Environment["VIDEOLAB_NOTEBOOK_CACHE"] = Path.Combine(Root, "cache");
        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (_log) _log.AppendLine(line); };
        _server.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_log) _log.AppendLine(line); };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            Assert.False(_server.HasExited, $"jupyter notebook exited with {(_server.HasExited ? _server.ExitCode : 0)}:\n{Log}");
            try
            {
                if ((await http.GetAsync($"{BaseUrl}/api/status?token={Token}")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            Assert.True(DateTime.UtcNow < deadline, $"jupyter notebook did not answer within {StartTimeout}:\n{Log}");
            await Task.Delay(250);
        }
    }

    /// <summary>The page of a notebook in <see cref="NotebookFolder"/>.</summary>
    public string NotebookUrl(string fileName) => $"{BaseUrl}/notebooks/{Uri.EscapeDataString(fileName)}?token={Token}";

    public Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);  // the server and the kernels it started
            _server.WaitForExit(10_000);
        }
        _server?.Dispose();
        return Task.CompletedTask;
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
