using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;
using VideoLab.Notebooks.Engine;
using VideoLab.Notebooks.Kernel;

namespace VideoLab.Notebooks.Tests.Kernel;

/// <summary>The kernel's wire protocol, spoken by a hand-made ZeroMQ client: signing, replies, interrupt, shutdown.</summary>
public sealed class ProtocolTests : IAsyncLifetime
{
    const string Key = "a-secret-key-for-signing";
    readonly ConnectionInfo _connection = new("tcp", "127.0.0.1", FreePort(), FreePort(), FreePort(), FreePort(), FreePort(), Key, "hmac-sha256");
    readonly MessageSigner _signer = new(Key);
    readonly string _session = Guid.NewGuid().ToString("N");
    KernelServer _server = null!;
    Task _running = null!;
    DealerSocket _shell = null!, _control = null!;
    SubscriberSocket _iopub = null!;

    public Task InitializeAsync()
    {
        _server = new KernelServer(_connection, new EngineOptions { CacheDirectory = TestPaths.TempFolder("kernel-cache") }, TextWriter.Null);
        _running = Task.Run(() => _server.RunAsync());
        _shell = new DealerSocket(_connection.Address(_connection.ShellPort));
        _control = new DealerSocket(_connection.Address(_connection.ControlPort));
        _iopub = new SubscriberSocket(_connection.Address(_connection.IopubPort));
        _iopub.SubscribeToAnyTopic();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Send(_control, "shutdown_request", new JsonObject { ["restart"] = false });
        Assert.Equal("shutdown_reply", Receive(_control, TimeSpan.FromSeconds(30))?.MessageType);
        await _running.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var socket in new NetMQSocket[] { _shell, _control, _iopub }) { socket.Options.Linger = TimeSpan.Zero; socket.Dispose(); }
        _server.Dispose();
    }

    [Fact]
    public void A_wrongly_signed_request_is_ignored_and_a_signed_one_answered()
    {
        var forged = JupyterMessage.Create("kernel_info_request", new JsonObject(), _session);
        var frames = forged.ToFrames(new MessageSigner("not-the-key"));
        SendFrames(_shell, frames);
        Assert.Null(Receive(_shell, TimeSpan.FromSeconds(2)));

        var unsigned = forged.ToFrames(new MessageSigner(""));
        SendFrames(_shell, unsigned);
        Assert.Null(Receive(_shell, TimeSpan.FromSeconds(1)));

        var request = Send(_shell, "kernel_info_request", new JsonObject());
        var reply = Receive(_shell, TimeSpan.FromSeconds(30));
        Assert.NotNull(reply);
        Assert.Equal("kernel_info_reply", reply.MessageType);
        Assert.Equal("5.3", (string?)reply.Content["protocol_version"]);
        Assert.Equal("C#", (string?)reply.Content["language_info"]?["name"]);
        Assert.Equal((string?)request.Header["msg_id"], (string?)reply.ParentHeader["msg_id"]);
    }

    [Fact]
    public void Execute_publishes_busy_input_output_result_idle_and_an_interrupt_stops_a_running_cell()
    {
        var execute = Send(_shell, "execute_request", Execute("Console.WriteLine(\"out\");\n1 + 1"));
        var reply = Receive(_shell, TimeSpan.FromSeconds(60))!;
        Assert.Equal("ok", (string?)reply.Content["status"]);
        var published = DrainIopub((string)execute.Header["msg_id"]!);
        Assert.Equal(["busy", "execute_input", "stream", "execute_result", "idle"],
            published.Select(m => m.MessageType == "status" ? (string)m.Content["execution_state"]! : m.MessageType));
        Assert.Equal("2", (string?)published[3].Content["data"]?["text/plain"]);

        var complete = Send(_shell, "is_complete_request", new JsonObject { ["code"] = "if (true) {" });
        Assert.Equal("incomplete", (string?)Receive(_shell, TimeSpan.FromSeconds(10))!.Content["status"]);

        Send(_shell, "complete_request", new JsonObject { ["code"] = "Console.WriteL", ["cursor_pos"] = 14 });
        var completions = Receive(_shell, TimeSpan.FromSeconds(30))!;
        Assert.Contains("WriteLine", completions.Content["matches"]!.AsArray().Select(m => (string?)m));
        Assert.Equal(8, (int?)completions.Content["cursor_start"]);

        var loop = Send(_shell, "execute_request", Execute("Console.WriteLine(\"started\");\nwhile (!CancellationToken.IsCancellationRequested) Thread.Sleep(10);"));
        // Interrupt once the cell is surely running: its first line has been published.
        while (Receive(_iopub, TimeSpan.FromSeconds(60)) is { } message)
            if (message.MessageType == "stream" && (string?)message.ParentHeader["msg_id"] == (string?)loop.Header["msg_id"]) break;
        Send(_control, "interrupt_request", new JsonObject());
        Assert.Equal("interrupt_reply", Receive(_control, TimeSpan.FromSeconds(10))?.MessageType);
        var interrupted = Receive(_shell, TimeSpan.FromSeconds(30))!;
        Assert.Equal("execute_reply", interrupted.MessageType);
        Assert.Equal("error", (string?)interrupted.Content["status"]);
        Assert.Equal(CellError.Interrupted, (string?)interrupted.Content["ename"]);
    }

    static JsonObject Execute(string code) => new()
    {
        ["code"] = code, ["silent"] = false, ["store_history"] = true, ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false,
    };

    JupyterMessage Send(NetMQSocket socket, string type, JsonObject content)
    {
        var message = JupyterMessage.Create(type, content, _session);
        SendFrames(socket, message.ToFrames(_signer));
        return message;
    }

    static void SendFrames(NetMQSocket socket, List<byte[]> frames)
    {
        var message = new NetMQMessage();
        foreach (var frame in frames) message.Append(frame);
        socket.SendMultipartMessage(message);
    }

    JupyterMessage? Receive(NetMQSocket socket, TimeSpan timeout)
    {
        var frames = new List<byte[]>();
        return socket.TryReceiveMultipartBytes(timeout, ref frames) ? JupyterMessage.FromFrames(frames, _signer) : null;
    }

    /// <summary>The iopub messages caused by one request, up to its idle status.</summary>
    List<JupyterMessage> DrainIopub(string parentId)
    {
        var messages = new List<JupyterMessage>();
        while (Receive(_iopub, TimeSpan.FromSeconds(30)) is { } message)
        {
            if ((string?)message.ParentHeader["msg_id"] != parentId) continue;
            messages.Add(message);
            if (message.MessageType == "status" && (string?)message.Content["execution_state"] == "idle") break;
        }
        return messages;
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
