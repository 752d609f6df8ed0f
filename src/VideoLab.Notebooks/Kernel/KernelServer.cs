using System.Text.Json.Nodes;
using System.Threading.Channels;
using NetMQ;
using NetMQ.Sockets;
using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Kernel;

/// <summary>
/// A Jupyter kernel for C# over ZeroMQ (messaging protocol 5.3), running cells on <see cref="NotebookEngine"/>.
/// </summary>
/// <remarks>
/// Sockets: shell and control (ROUTER: requests and replies), iopub (PUB: status, execute_input, stream,
/// display_data, update_display_data, execute_result, error), stdin (ROUTER: <c>input_request</c> when a cell
/// reads the console and the request allows stdin) and heartbeat (REP: echoes). One poller thread owns shell,
/// control, stdin and heartbeat; replies from other threads reach it through a queue. Cells run one at a time on an execution task, so control
/// requests (interrupt, shutdown) are served while a cell runs. iopub is written from any thread under a lock.
/// Messages with a wrong signature are ignored (and logged on stderr).
/// </remarks>
public sealed class KernelServer : IDisposable
{
    readonly ConnectionInfo _connection;
    readonly MessageSigner _signer;
    readonly string _session = Guid.NewGuid().ToString("N");
    readonly NotebookEngine _engine;
    readonly RouterSocket _shell = new(), _control = new(), _stdin = new();
    readonly PublisherSocket _iopub = new();
    readonly ResponseSocket _heartbeat = new();
    readonly NetMQQueue<(RouterSocket Socket, JupyterMessage Message)> _replies = new();
    readonly NetMQPoller _poller;
    readonly Channel<JupyterMessage> _executions = Channel.CreateUnbounded<JupyterMessage>(new UnboundedChannelOptions { SingleReader = true });
    readonly Lock _iopubGate = new();
    readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly Lock _inputGate = new();
    readonly DigestHistory _digests = new();
    TaskCompletionSource<string>? _pendingInput;
    readonly TextWriter _log;

    public KernelServer(ConnectionInfo connection, EngineOptions? engineOptions = null, TextWriter? log = null)
    {
        _connection = connection;
        _signer = new MessageSigner(connection.Key, connection.SignatureScheme);
        _engine = new NotebookEngine(engineOptions);
        _log = log ?? Console.Error;
        foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub, _heartbeat })
            socket.Options.Linger = TimeSpan.Zero;
        try
        {
            _shell.Bind(connection.Address(connection.ShellPort));
            _control.Bind(connection.Address(connection.ControlPort));
            _stdin.Bind(connection.Address(connection.StdinPort));
            _iopub.Bind(connection.Address(connection.IopubPort));
            _heartbeat.Bind(connection.Address(connection.HbPort));
        }
        catch
        {
            // A port in use: release the ones already bound so the caller can retry or exit cleanly.
            foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub, _heartbeat }) socket.Dispose();
            _engine.Dispose();
            throw;
        }

        _shell.ReceiveReady += (_, e) => Receive(_shell);
        _control.ReceiveReady += (_, e) => Receive(_control);
        _stdin.ReceiveReady += (_, e) => ReceiveInput();
        _heartbeat.ReceiveReady += (_, e) =>
        {
            var ping = e.Socket.ReceiveMultipartBytes();
            var echo = new NetMQMessage();
            foreach (var frame in ping) echo.Append(frame);
            e.Socket.SendMultipartMessage(echo);
        };
        _replies.ReceiveReady += (_, e) =>
        {
            while (e.Queue.TryDequeue(out var reply, TimeSpan.Zero)) SendOn(reply.Socket, reply.Message);
        };
        _poller = [_shell, _control, _stdin, _heartbeat, _replies];
    }

    /// <summary>The engine running this kernel's cells.</summary>
    public NotebookEngine Engine => _engine;

    /// <summary>Serves requests until a <c>shutdown_request</c> arrives or <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var pollerThread = new Thread(_poller.Run) { IsBackground = true, Name = "jupyter-sockets" };
        pollerThread.Start();
        PublishStatus("starting", null);
        using var stop = cancellationToken.Register(() => _executions.Writer.TryComplete());
        try
        {
            var cells = ExecuteQueuedAsync();
            // A cell stuck in code that cannot be interrupted must not keep a shutdown (a restart) waiting.
            var shutdownGrace = _shutdown.Task.ContinueWith(_ => Task.Delay(ShutdownGrace), TaskScheduler.Default).Unwrap();
            await Task.WhenAny(cells, shutdownGrace);
        }
        finally
        {
            _poller.Stop();
            pollerThread.Join(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>How long a shutdown waits for the running cell before the kernel ends without it.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs execute requests in order. After a failing cell whose request asked <c>stop_on_error</c> (the default:
    /// Run All), the requests already queued behind it are answered "aborted" without running, as ipykernel does.
    /// </summary>
    async Task ExecuteQueuedAsync()
    {
        await foreach (var request in _executions.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (!await ExecuteAsync(request)) continue;
            while (_executions.Reader.TryRead(out var queued))
            {
                Reply(_shell, queued, "execute_reply", new JsonObject { ["status"] = "aborted" });
                PublishStatus("idle", queued);
            }
        }
    }

    void Receive(RouterSocket socket)
    {
        var frames = socket.ReceiveMultipartBytes();
        JupyterMessage? message;
        try
        {
            message = JupyterMessage.FromFrames(frames, _signer);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            _log.WriteLine($"videolab kernel: ignored a malformed message: {e.Message}");
            return;
        }
        if (message is null)
        {
            _log.WriteLine("videolab kernel: ignored a message with a wrong signature.");
            return;
        }
        if (_signer.Signs && !_digests.Add(JupyterMessage.SignatureOf(frames)))
        {
            _log.WriteLine($"videolab kernel: ignored a replayed {message.MessageType} (its signature was seen before).");
            return;
        }
        try
        {
            Handle(socket, message);
        }
        catch (Exception e)
        {
            // A failing request must not take the socket thread (and with it the kernel) down.
            _log.WriteLine($"videolab kernel: {message.MessageType} failed: {e}");
        }
    }

    void Handle(RouterSocket socket, JupyterMessage request)
    {
        var type = request.MessageType;
        if (type == "execute_request")
        {
            PublishStatus("busy", request);
            _executions.Writer.TryWrite(request);
            return;
        }
        PublishStatus("busy", request);
        try
        {
            switch (type)
            {
                case "kernel_info_request":
                    Reply(socket, request, "kernel_info_reply", Replies.KernelInfo());
                    break;
                case "is_complete_request":
                    var status = _engine.IsComplete((string?)request.Content["code"] ?? "");
                    var content = new JsonObject { ["status"] = status };
                    if (status == "incomplete") content["indent"] = "    ";
                    Reply(socket, request, "is_complete_reply", content);
                    break;
                case "complete_request":
                    Reply(socket, request, "complete_reply", Replies.Complete(_engine, request.Content));
                    break;
                case "inspect_request":
                    Reply(socket, request, "inspect_reply", Replies.Inspect(_engine, request.Content));
                    break;
                case "history_request":
                    Reply(socket, request, "history_reply", new JsonObject { ["status"] = "ok", ["history"] = HistoryQuery.Answer(request.Content, _engine.History) });
                    break;
                case "comm_info_request":
                    Reply(socket, request, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() });
                    break;
                case "interrupt_request":
                    _engine.Interrupt();
                    Reply(socket, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                    break;
                case "shutdown_request":
                    _engine.Interrupt();
                    var restart = (bool?)request.Content["restart"] ?? false;
                    Reply(socket, request, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
                    _executions.Writer.TryComplete();
                    _shutdown.TrySetResult();
                    break;
                default:
                    _log.WriteLine($"videolab kernel: no handler for {type}; ignored.");
                    break;
            }
        }
        finally
        {
            PublishStatus("idle", request);
        }
    }

    /// <summary>Runs one execute request; true when it failed and asked to stop on error (the queue is then aborted).</summary>
    async Task<bool> ExecuteAsync(JupyterMessage request)
    {
        var code = (string?)request.Content["code"] ?? "";
        // silent: no outputs, no execute_input, no execution count; store_history=False: no count either (as ipykernel).
        var silent = (bool?)request.Content["silent"] ?? false;
        var storeHistory = !silent && ((bool?)request.Content["store_history"] ?? true);
        var allowStdin = (bool?)request.Content["allow_stdin"] ?? false;
        var count = _engine.ExecutionCount + (storeHistory ? 1 : 0);
        if (!silent) Publish("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count }, request);

        // JupyterLab and VS Code name the cell in the request's metadata (jupyter_client and the classic Notebook do not).
        var origin = new CellRequest
        {
            CellId = (string?)request.Metadata["cellId"],
            ClientSession = (string?)request.Header["session"],
            StoreHistory = storeHistory,
            Input = allowStdin ? (prompt, token) => AskForInput(request, prompt, token) : null,
        };
        ICellOutput output = silent ? DiscardedOutput.Instance : new IopubOutput(this, request);
        var result = await _engine.ExecuteAsync(code, output, request: origin);
        JsonObject reply;
        if (result.Error is { } error)
        {
            var traceback = new JsonArray([.. error.Traceback.Select(l => JsonValue.Create(l))]);
            if (!silent) Publish("error", new JsonObject { ["ename"] = error.Name, ["evalue"] = error.Message, ["traceback"] = traceback.DeepClone() }, request);
            reply = new JsonObject
            {
                ["status"] = "error", ["execution_count"] = result.ExecutionCount,
                ["ename"] = error.Name, ["evalue"] = error.Message, ["traceback"] = traceback,
            };
        }
        else
        {
            if (result.Value is { } value && !silent)
                Publish("execute_result", new JsonObject
                {
                    ["execution_count"] = result.ExecutionCount, ["data"] = Data(value), ["metadata"] = new JsonObject(),
                }, request);
            reply = new JsonObject
            {
                ["status"] = "ok", ["execution_count"] = result.ExecutionCount,
                ["user_expressions"] = new JsonObject(), ["payload"] = new JsonArray(),
            };
        }
        Reply(_shell, request, "execute_reply", reply);
        PublishStatus("idle", request);
        return !silent && result.Error is not null && ((bool?)request.Content["stop_on_error"] ?? true);
    }

    /// <summary>
    /// Asks the front-end for a line on the stdin channel (<c>input_request</c>, addressed like the execute request)
    /// and blocks the cell until the <c>input_reply</c> comes, or the cell is interrupted.
    /// </summary>
    string AskForInput(JupyterMessage request, InputPrompt prompt, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_inputGate) _pendingInput = answer;
        try
        {
            _replies.Enqueue((_stdin, JupyterMessage.Create("input_request",
                new JsonObject { ["prompt"] = prompt.Prompt, ["password"] = prompt.Password }, _session, request)));
            return answer.Task.WaitAsync(cancellationToken).GetAwaiter().GetResult();
        }
        finally
        {
            lock (_inputGate) _pendingInput = null;
        }
    }

    void ReceiveInput()
    {
        var frames = _stdin.ReceiveMultipartBytes();
        JupyterMessage? message;
        try { message = JupyterMessage.FromFrames(frames, _signer); }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException) { return; }
        if (message?.MessageType != "input_reply" || (_signer.Signs && !_digests.Add(JupyterMessage.SignatureOf(frames)))) return;
        lock (_inputGate) _pendingInput?.TrySetResult((string?)message.Content["value"] ?? "");
    }

    static JsonObject Data(MimeBundle bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, text) in bundle.Data) data[mime] = text;
        return data;
    }

    void Reply(RouterSocket socket, JupyterMessage request, string type, JsonObject content) =>
        _replies.Enqueue((socket, JupyterMessage.Create(type, content, _session, request)));

    void SendOn(NetMQSocket socket, JupyterMessage message)
    {
        var frames = new NetMQMessage();
        foreach (var frame in message.ToFrames(_signer)) frames.Append(frame);
        socket.SendMultipartMessage(frames);
    }

    void PublishStatus(string state, JupyterMessage? parent) =>
        Publish("status", new JsonObject { ["execution_state"] = state }, parent);

    void Publish(string type, JsonObject content, JupyterMessage? parent)
    {
        // The topic frame lets subscribers filter; Jupyter clients subscribe to everything.
        var message = JupyterMessage.Create(type, content, _session, parent, identities: [System.Text.Encoding.UTF8.GetBytes(type)]);
        lock (_iopubGate)
        {
            try { SendOn(_iopub, message); }
            catch (Exception e) when (e is ObjectDisposedException or TerminatingException)
            {
                // Text written by a notebook's background thread after shutdown has nowhere to go.
            }
        }
    }

    /// <summary>Where a silent request's outputs go: nowhere.</summary>
    sealed class DiscardedOutput : ICellOutput
    {
        public static readonly DiscardedOutput Instance = new();
        public void Stream(string name, string text) { }
        public void Display(MimeBundle bundle, string displayId) { }
        public void UpdateDisplay(MimeBundle bundle, string displayId) { }
    }

    /// <summary>A cell's outputs as iopub messages, with the execute request as their parent.</summary>
    sealed class IopubOutput(KernelServer kernel, JupyterMessage request) : ICellOutput
    {
        public void Stream(string name, string text) =>
            kernel.Publish("stream", new JsonObject { ["name"] = name, ["text"] = text }, request);

        public void Display(MimeBundle bundle, string displayId) =>
            kernel.Publish("display_data", DisplayContent(bundle, displayId), request);

        public void UpdateDisplay(MimeBundle bundle, string displayId) =>
            kernel.Publish("update_display_data", DisplayContent(bundle, displayId), request);

        static JsonObject DisplayContent(MimeBundle bundle, string displayId) => new()
        {
            ["data"] = Data(bundle),
            ["metadata"] = new JsonObject(),
            ["transient"] = new JsonObject { ["display_id"] = displayId },
        };
    }

    public void Dispose()
    {
        if (_poller.IsRunning) _poller.Stop();
        _poller.Dispose();
        foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub, _heartbeat }) socket.Dispose();
        _replies.Dispose();
        _engine.Dispose();
    }
}
