using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace VideoLab.Notebooks.Kernel;

/// <summary>
/// One message of the Jupyter messaging protocol (5.3): routing identities, then the delimiter
/// <c>&lt;IDS|MSG&gt;</c>, the HMAC signature, and four JSON frames — header, parent header, metadata, content.
/// </summary>
public sealed record JupyterMessage(IReadOnlyList<byte[]> Identities, JsonObject Header, JsonObject ParentHeader,
                                    JsonObject Metadata, JsonObject Content)
{
    public const string ProtocolVersion = "5.3";
    static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    public string MessageType => (string?)Header["msg_type"] ?? "";

    /// <summary>A new message in <paramref name="session"/>, answering or caused by <paramref name="parent"/> (if any).</summary>
    public static JupyterMessage Create(string messageType, JsonObject content, string session, JupyterMessage? parent = null,
                                        IReadOnlyList<byte[]>? identities = null) =>
        new(identities ?? parent?.Identities ?? [],
            new JsonObject
            {
                ["msg_id"] = Guid.NewGuid().ToString("N"),
                ["session"] = session,
                ["username"] = "videolab",
                ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
                ["msg_type"] = messageType,
                ["version"] = ProtocolVersion,
            },
            parent is null ? new JsonObject() : (JsonObject)parent.Header.DeepClone(),
            new JsonObject(),
            content);

    /// <summary>The frames to send, signed with <paramref name="signer"/>.</summary>
    public List<byte[]> ToFrames(MessageSigner signer)
    {
        var parts = new[] { Header, ParentHeader, Metadata, Content }.Select(p => Encoding.UTF8.GetBytes(p.ToJsonString())).ToArray();
        var frames = new List<byte[]>(Identities) { Delimiter, Encoding.ASCII.GetBytes(signer.Sign(parts)) };
        frames.AddRange(parts);
        return frames;
    }

    /// <summary>The signature frame of received frames ("" when there is none).</summary>
    public static string SignatureOf(IReadOnlyList<byte[]> frames)
    {
        for (int i = 0; i + 1 < frames.Count; i++)
            if (frames[i].AsSpan().SequenceEqual(Delimiter)) return Encoding.ASCII.GetString(frames[i + 1]);
        return "";
    }

    /// <summary>Reads received frames; null when the signature is wrong (the message must be ignored).</summary>
    /// <exception cref="InvalidDataException">The frames are not a Jupyter message.</exception>
    public static JupyterMessage? FromFrames(IReadOnlyList<byte[]> frames, MessageSigner signer)
    {
        int delimiter = -1;
        for (int i = 0; i < frames.Count; i++)
            if (frames[i].AsSpan().SequenceEqual(Delimiter)) { delimiter = i; break; }
        if (delimiter < 0 || frames.Count < delimiter + 6)
            throw new InvalidDataException($"Not a Jupyter message: {frames.Count} frames, delimiter at {delimiter}.");
        var parts = frames.Skip(delimiter + 2).Take(4).ToArray();
        if (!signer.Verify(Encoding.ASCII.GetString(frames[delimiter + 1]), parts)) return null;
        JsonObject Json(byte[] bytes) => JsonNode.Parse(bytes) as JsonObject ?? new JsonObject();
        return new JupyterMessage(frames.Take(delimiter).ToArray(), Json(parts[0]), Json(parts[1]), Json(parts[2]), Json(parts[3]));
    }
}

/// <summary>
/// Signs messages as jupyter_client's Session does: an HMAC of the four JSON frames with the connection file's key,
/// hex-encoded, with the hash the connection file's <c>signature_scheme</c> names (no key: no signing).
/// </summary>
public sealed class MessageSigner(string key, string scheme = "hmac-sha256")
{
    /// <summary>The schemes this kernel can sign with: <c>hmac-</c> and a hash .NET provides.</summary>
    public static readonly IReadOnlyList<string> Schemes = ["hmac-sha256", "hmac-sha1", "hmac-sha384", "hmac-sha512", "hmac-md5"];

    readonly byte[] _key = Encoding.UTF8.GetBytes(key);
    readonly HashAlgorithmName _hash = scheme switch
    {
        "hmac-sha256" => HashAlgorithmName.SHA256,
        "hmac-sha1" => HashAlgorithmName.SHA1,
        "hmac-sha384" => HashAlgorithmName.SHA384,
        "hmac-sha512" => HashAlgorithmName.SHA512,
        "hmac-md5" => HashAlgorithmName.MD5,
        _ => throw new ArgumentException($"Signature scheme \"{scheme}\" is not supported ({string.Join(", ", Schemes)}).", nameof(scheme)),
    };

    /// <summary>Whether messages are signed at all (a connection file with an empty key turns signing off).</summary>
    public bool Signs => _key.Length > 0;

    public string Sign(IReadOnlyList<byte[]> parts)
    {
        if (_key.Length == 0) return "";
        using var hmac = IncrementalHash.CreateHMAC(_hash, _key);
        foreach (var part in parts) hmac.AppendData(part);
        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>True when <paramref name="signature"/> is the right one (compared in constant time).</summary>
    public bool Verify(string signature, IReadOnlyList<byte[]> parts) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(parts)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
}
