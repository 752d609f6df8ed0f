using System.Text.Json.Nodes;

namespace VideoLab.Notebooks.Kernel;

/// <summary>
/// A Jupyter connection file: where the kernel binds its five sockets and the key that signs messages.
/// Jupyter writes it and passes its path as <c>{connection_file}</c> in the kernelspec's argv.
/// </summary>
public sealed record ConnectionInfo(string Transport, string Ip, int ShellPort, int IopubPort, int StdinPort,
                                    int ControlPort, int HbPort, string Key, string SignatureScheme)
{
    /// <exception cref="InvalidDataException">
    /// A field is missing; the signature scheme is not one <see cref="MessageSigner"/> knows; or the transport is not tcp.
    /// </exception>
    public static ConnectionInfo Parse(string json)
    {
        JsonObject root;
        try { root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("The connection file is not a JSON object."); }
        catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"The connection file is not valid JSON ({e.Message}).", e); }
        int Port(string name) => (int?)root[name] ?? throw new InvalidDataException($"The connection file has no \"{name}\".");
        var scheme = (string?)root["signature_scheme"] ?? "hmac-sha256";
        if (!MessageSigner.Schemes.Contains(scheme))
            throw new InvalidDataException(
                $"The signature scheme \"{scheme}\" is not supported; this kernel signs with {string.Join(", ", MessageSigner.Schemes)} " +
                "(Jupyter's default is hmac-sha256).");
        var transport = (string?)root["transport"] ?? "tcp";
        if (transport != "tcp")
            throw new InvalidDataException(
                $"The transport \"{transport}\" is not supported; this kernel listens on tcp only. Jupyter's ipc transport uses Unix " +
                "domain sockets, which NetMQ (the ZeroMQ implementation it runs on) does not provide: start Jupyter with the default transport (tcp).");
        return new ConnectionInfo(transport, (string?)root["ip"] ?? "127.0.0.1",
            Port("shell_port"), Port("iopub_port"), Port("stdin_port"), Port("control_port"), Port("hb_port"),
            (string?)root["key"] ?? "", scheme);
    }

    public static ConnectionInfo Load(string path) => Parse(File.ReadAllText(path));

    public string ToJson() => new JsonObject
    {
        ["transport"] = Transport, ["ip"] = Ip, ["shell_port"] = ShellPort, ["iopub_port"] = IopubPort,
        ["stdin_port"] = StdinPort, ["control_port"] = ControlPort, ["hb_port"] = HbPort,
        ["key"] = Key, ["signature_scheme"] = SignatureScheme,
    }.ToJsonString();

    /// <summary>The ZeroMQ address of one port: <c>tcp://127.0.0.1:5555</c>.</summary>
    public string Address(int port) => $"{Transport}://{Ip}:{port}";
}
