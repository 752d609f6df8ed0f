using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;
using VideoLab.Notebooks.Engine;
using VideoLab.Notebooks.Format;
using VideoLab.Notebooks.Kernel;

namespace VideoLab.Notebooks.Tests.Kernel;

/// <summary>The kernel's wire protocol, spoken by a hand-made ZeroMQ client: signing, replies, interrupt, shutdown.</summary>
public sealed class ProtocolTests : IAsyncLifetime
{
    const string Key = "a-secret-key-for-signing";
    ConnectionInfo _connection = null!;
    readonly MessageSigner _signer = new(Key);
    readonly string _session = Guid.NewGuid().ToString("N");
    KernelServer _server = null!;
    Task _running = null!;
    DealerSocket _shell = null!, _control = null!, _stdin = null!;
    SubscriberSocket _iopub = null!;

    public Task InitializeAsync()
    {
        // A port found free can be taken by another process before the kernel binds it: retry with fresh ports.
        for (int attempt = 1; ; attempt++)
        {
            _connection = new("tcp", "127.0.0.1", FreePort(), FreePort(), FreePort(), FreePort(), FreePort(), Key, "hmac-sha256");
            try
            {
                _server = new KernelServer(_connection, new EngineOptions { CacheDirectory = TestPaths.TempFolder("kernel-cache") }, TextWriter.Null);
                break;
            }
            catch (AddressAlreadyInUseException) when (attempt < 5) { }
        }
        _running = Task.Run(() => _server.RunAsync());
        // As jupyter_client does: shell and stdin share one identity, so the kernel can address input requests.
        var identity = System.Text.Encoding.ASCII.GetBytes(_session);
        _shell = new DealerSocket();
        _shell.Options.Identity = identity;
        _shell.Connect(_connection.Address(_connection.ShellPort));
        _stdin = new DealerSocket();
        _stdin.Options.Identity = identity;
        _stdin.Connect(_connection.Address(_connection.StdinPort));
        _control = new DealerSocket(_connection.Address(_connection.ControlPort));
        _iopub = new SubscriberSocket(_connection.Address(_connection.IopubPort));
        _iopub.SubscribeToAnyTopic();
        WaitUntilIopubIsConnected();
        return Task.CompletedTask;
    }

    /// <summary>
    /// A ZeroMQ subscriber misses what is published before its subscription reaches the publisher (the
    /// "slow joiner"), so, as Jupyter clients do, ask for kernel_info until its status reaches iopub.
    /// </summary>
    void WaitUntilIopubIsConnected()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Send(_shell, "kernel_info_request", new JsonObject());
            Assert.Equal("kernel_info_reply", Receive(_shell, TimeSpan.FromSeconds(30))?.MessageType);
            bool heard = false;
            while (Receive(_iopub, TimeSpan.FromMilliseconds(300)) is { } message)
                heard |= message.MessageType == "status";
            if (heard) return;
        }
        throw new TimeoutException("The kernel's iopub channel never delivered a status message.");
    }

    public async Task DisposeAsync()
    {
        Send(_control, "shutdown_request", new JsonObject { ["restart"] = false });
        Assert.Equal("shutdown_reply", Receive(_control, TimeSpan.FromSeconds(30))?.MessageType);
        await _running.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub }) { socket.Options.Linger = TimeSpan.Zero; socket.Dispose(); }
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
        var signed = request.ToFrames(_signer);
        var reply = Receive(_shell, TimeSpan.FromSeconds(30));
        Assert.NotNull(reply);
        Assert.Equal("kernel_info_reply", reply.MessageType);
        Assert.Equal("5.3", (string?)reply.Content["protocol_version"]);
        Assert.Equal("C#", (string?)reply.Content["language_info"]?["name"]);
        Assert.Equal((string?)request.Header["msg_id"], (string?)reply.ParentHeader["msg_id"]);
        Assert.Contains(KernelInfo.LibraryPath, (string?)reply.Content["banner"]);  // which VideoLab build this kernel runs

        // The same signed message again is a replay: ignored, as jupyter_client's digest history does.
        SendFrames(_shell, signed);
        Assert.Null(Receive(_shell, TimeSpan.FromSeconds(2)));
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

        // A tight loop that never looks at a token.
        var loop = Send(_shell, "execute_request", Execute("Console.WriteLine(\"started\");\nlong spins = 0;\nwhile (true) spins++;"));
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

    [Fact]
    public void Run_all_stops_at_the_first_error_and_the_queued_requests_are_aborted()
    {
        var requests = new[] { "var before = 1;", "throw new InvalidOperationException(\"stop here\");", "var after = 2;", "after" }
            .Select(code => Send(_shell, "execute_request", Execute(code))).ToList();
        var replies = requests.Select(_ => Receive(_shell, TimeSpan.FromSeconds(60))!).ToList();
        Assert.Equal(requests.Select(r => (string?)r.Header["msg_id"]), replies.Select(r => (string?)r.ParentHeader["msg_id"]));
        Assert.Equal(["ok", "error", "aborted", "aborted"], replies.Select(r => (string?)r.Content["status"]));
        var count = (int)replies[1].Content["execution_count"]!;

        // Requests sent after the failure run again; the aborted ones took no execution count.
        Send(_shell, "execute_request", Execute("before + 1"));
        var next = Receive(_shell, TimeSpan.FromSeconds(60))!;
        Assert.Equal("ok", (string?)next.Content["status"]);
        Assert.Equal(count + 1, (int?)next.Content["execution_count"]);

        // stop_on_error = false (nbconvert --allow-errors): the cells after a failure run.
        var tolerant = Execute("throw new InvalidOperationException(\"tolerated\");");
        tolerant["stop_on_error"] = false;
        Send(_shell, "execute_request", tolerant);
        Send(_shell, "execute_request", Execute("before + 2"));
        Assert.Equal("error", (string?)Receive(_shell, TimeSpan.FromSeconds(60))!.Content["status"]);
        Assert.Equal("ok", (string?)Receive(_shell, TimeSpan.FromSeconds(60))!.Content["status"]);
    }

    [Fact]
    public void Inspect_completion_kinds_history_silent_runs_and_input_go_over_the_wire()
    {
        Send(_shell, "inspect_request", new JsonObject { ["code"] = "Math.Sqrt(", ["cursor_pos"] = 10, ["detail_level"] = 0 });
        var inspect = Receive(_shell, TimeSpan.FromSeconds(60))!;
        Assert.Equal("inspect_reply", inspect.MessageType);
        Assert.Equal(true, (bool?)inspect.Content["found"]);
        Assert.StartsWith("double Math.Sqrt(double d)", (string?)inspect.Content["data"]?["text/plain"]);
        Assert.Contains("square root", (string?)inspect.Content["data"]?["text/markdown"]);

        Send(_shell, "complete_request", new JsonObject { ["code"] = "Math.Sq", ["cursor_pos"] = 7 });
        var types = Receive(_shell, TimeSpan.FromSeconds(30))!.Content["metadata"]!["_jupyter_types_experimental"]!.AsArray();
        var sqrt = types.Single(t => (string?)t!["text"] == "Sqrt")!;
        Assert.Equal(("function", 5, 7), ((string?)sqrt["type"], (int?)sqrt["start"], (int?)sqrt["end"]));

        var stored = Send(_shell, "execute_request", Execute("var wire = 41;\nwire + 1"));
        var count = (int)Receive(_shell, TimeSpan.FromSeconds(60))!.Content["execution_count"]!;
        var quiet = Execute("wire = 0;");
        quiet["silent"] = true;
        var silent = Send(_shell, "execute_request", quiet);
        Assert.Equal(count, (int?)Receive(_shell, TimeSpan.FromSeconds(60))!.Content["execution_count"]);
        // A silent run publishes nothing but its busy and idle status.
        Assert.Equal(["status", "status"], DrainIopub((string)silent.Header["msg_id"]!).Select(m => m.MessageType));

        Send(_shell, "history_request", new JsonObject { ["hist_access_type"] = "tail", ["n"] = 1, ["output"] = true, ["raw"] = true });
        var history = Receive(_shell, TimeSpan.FromSeconds(30))!.Content["history"]!.AsArray();
        var entry = Assert.Single(history)!.AsArray();  // [session, line, [input, output]]
        Assert.Equal((1, count), ((int)entry[0]!, (int)entry[1]!));
        Assert.Equal(["var wire = 41;\nwire + 1", "42"], entry[2]!.AsArray().Select(e => (string?)e));

        // Console.ReadLine with allow_stdin: an input_request on stdin, answered by input_reply.
        var reading = Execute("Console.Write(\"Steps? \");\nint.Parse(Console.ReadLine()!) * 2");
        reading["allow_stdin"] = true;
        Send(_shell, "execute_request", reading);
        var ask = Receive(_stdin, TimeSpan.FromSeconds(60))!;
        Assert.Equal("input_request", ask.MessageType);
        Assert.Equal("Steps? ", (string?)ask.Content["prompt"]);
        Send(_stdin, "input_reply", new JsonObject { ["value"] = "21" });
        var answered = Receive(_shell, TimeSpan.FromSeconds(60))!;
        Assert.Equal("ok", (string?)answered.Content["status"]);
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
