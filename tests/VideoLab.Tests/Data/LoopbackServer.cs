using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VideoLab.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 serving fixture bytes by file name, honouring <c>Range: bytes=N-</c>.
/// <see cref="CutAfter"/> makes the next response stop after that many body bytes and drop the connection.
/// </summary>
sealed class LoopbackServer : IDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly Dictionary<string, byte[]> _files;
    readonly CancellationTokenSource _stop = new();

    public LoopbackServer(Dictionary<string, byte[]> files)
    {
        _files = files;
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/files";

    /// <summary>Cut the next response after this many body bytes (once).</summary>
    public int? CutAfter { get; set; }

    /// <summary>Every request's path and Range header, in order.</summary>
    public List<(string Path, string? Range)> Requests { get; } = [];

    async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Serve(client));
        }
    }

    async Task Serve(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync() ?? "";
            string? range = null;
            for (string? line; !string.IsNullOrEmpty(line = await reader.ReadLineAsync());)
                if (line.StartsWith("Range:", StringComparison.OrdinalIgnoreCase)) range = line[6..].Trim();
            var path = requestLine.Split(' ')[1];
            lock (Requests) Requests.Add((path, range));

            if (!_files.TryGetValue(path.Split('/')[^1], out var body))
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                return;
            }
            long start = range is not null && range.StartsWith("bytes=") ? long.Parse(range[6..].TrimEnd('-')) : 0;
            var head = start > 0
                ? $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{body.Length - 1}/{body.Length}\r\n"
                : "HTTP/1.1 200 OK\r\n";
            head += $"Content-Length: {body.Length - start}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            int end = body.Length;
            if (CutAfter is { } cut) { end = (int)Math.Min(body.Length, start + cut); CutAfter = null; }
            await stream.WriteAsync(body.AsMemory((int)start, end - (int)start));
            await stream.FlushAsync();
            if (end < body.Length) client.Client.LingerState = new LingerOption(true, 0);  // reset: the transfer breaks off
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
