using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;
using VideoLab.Notebooks.Format;
using VideoLab.Notebooks.Kernel;

namespace VideoLab.Notebooks.Tests.Kernel;

/// <summary>What surrounds the protocol: the kernelspec (logos, which build it runs), connection files the kernel refuses, signing schemes, replays.</summary>
public sealed class KernelSetupTests
{
    [Fact]
    public void The_kernelspec_has_generated_logos_and_says_which_build_it_runs()
    {
        var kernels = TestPaths.TempFolder("kernelspec");
        var (path, replaced) = KernelSpec.Install(kernels, ["dotnet", "/first/VideoLab.Cli.dll"]);
        Assert.Null(replaced);
        var folder = Path.GetDirectoryName(path)!;
        foreach (var size in new[] { 32, 64 })
        {
            var png = File.ReadAllBytes(Path.Combine(folder, $"logo-{size}x{size}.png"));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.Equal((size, size), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        }
        var spec = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(KernelInfo.Version, (string?)spec["metadata"]?["videolab"]?["version"]);
        Assert.Equal(typeof(VideoLab.Runtime.Lab).Assembly.Location, (string?)spec["metadata"]?["videolab"]?["library"]);

        // Installing from another build says what it replaces.
        var (_, previous) = KernelSpec.Install(kernels, ["dotnet", "/second/VideoLab.Cli.dll"]);
        Assert.Equal("dotnet /first/VideoLab.Cli.dll", previous);
    }

    [Fact]
    public void The_logo_is_a_purple_square_with_a_white_play_triangle()
    {
        var png = KernelLogo.Png(64);
        Assert.InRange(png.Length, 200, 20_000);
        // Decode the single IDAT chunk back to pixels (filter byte 0 per row, as Png writes them).
        int at = 8 + 12 + 13;
        var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
        using var inflated = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(new MemoryStream(png, at + 8, length), System.IO.Compression.CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        var rows = inflated.ToArray();
        byte[] Pixel(int x, int y) => rows.AsSpan(y * (64 * 4 + 1) + 1 + x * 4, 4).ToArray();
        Assert.Equal([0, 0, 0, 0], Pixel(0, 0));               // outside the rounded corner: transparent
        Assert.Equal([0x51, 0x2B, 0xD4, 255], Pixel(16, 40));   // the purple square
        Assert.Equal([255, 255, 255, 255], Pixel(32, 32));      // the play triangle
    }

    static string ConnectionJson(string transport = "tcp", string scheme = "hmac-sha256") =>
        $$"""{"transport": "{{transport}}", "ip": "127.0.0.1", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "key": "k", "signature_scheme": "{{scheme}}"}""";

    [Fact]
    public async Task An_ipc_transport_and_an_unknown_signature_scheme_are_refused_with_a_message_not_a_stack_trace()
    {
        var ipc = Assert.Throws<InvalidDataException>(() => ConnectionInfo.Parse(ConnectionJson(transport: "ipc")));
        Assert.Contains("tcp only", ipc.Message);
        var scheme = Assert.Throws<InvalidDataException>(() => ConnectionInfo.Parse(ConnectionJson(scheme: "hmac-whirlpool")));
        Assert.Contains("hmac-sha256", scheme.Message);
        Assert.Equal("hmac-sha512", ConnectionInfo.Parse(ConnectionJson(scheme: "hmac-sha512")).SignatureScheme);

        var file = Path.Combine(TestPaths.TempFolder("connection"), "kernel-ipc.json");
        File.WriteAllText(file, ConnectionJson(transport: "ipc"));
        var run = await Processes.Run("dotnet", [TestPaths.CliDll, "kernel", "run", "--connection-file", file], TimeSpan.FromMinutes(1));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("The transport \"ipc\" is not supported", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void Other_hmac_schemes_sign_as_jupyter_client_does()
    {
        byte[][] parts = [Encoding.UTF8.GetBytes("{\"msg_id\":\"1\"}"), Encoding.UTF8.GetBytes("{}"), Encoding.UTF8.GetBytes("{}"), Encoding.UTF8.GetBytes("{\"a\":1}")];
        var expected = Convert.ToHexStringLower(HMACSHA512.HashData(Encoding.UTF8.GetBytes("k"), parts.SelectMany(p => p).ToArray()));
        Assert.Equal(expected, new MessageSigner("k", "hmac-sha512").Sign(parts));
        Assert.True(new MessageSigner("k", "hmac-sha512").Verify(expected, parts));
        Assert.False(new MessageSigner("k").Verify(expected, parts));
    }

    [Fact]
    public void The_digest_history_refuses_a_signature_seen_before_and_forgets_the_oldest_when_full()
    {
        var history = new DigestHistory();
        Assert.True(history.Add("a"));
        Assert.False(history.Add("a"));
        for (int i = 0; i < DigestHistory.Capacity; i++) history.Add($"s{i}");
        Assert.True(history.Add("a"));  // "a" was among the oldest tenth, forgotten
        Assert.False(history.Add($"s{DigestHistory.Capacity - 1}"));
    }

    [Fact]
    public async Task A_notebook_referencing_another_build_of_a_loaded_assembly_is_told_which_one_runs()
    {
        var folder = TestPaths.TempFolder("builds");
        string Build(string name, string body)
        {
            var compilation = CSharpCompilation.Create("VideoLabTest.Twice", [CSharpSyntaxTree.ParseText(body)],
                [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)], new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var path = Path.Combine(folder, name, "VideoLabTest.Twice.dll");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Assert.True(compilation.Emit(path).Success);
            return path;
        }
        var first = Build("first", "public static class Twice { public static int Of(int x) => 2 * x; }");
        var second = Build("second", "public static class Twice { public static int Of(int x) => x + x; }");
        using var engine = new NotebookEngine(new EngineOptions { BaseDirectory = folder, CacheDirectory = Path.Combine(folder, "cache") });

        var loaded = await engine.ExecuteAsync($"#r \"{first}\"\nTwice.Of(21)", new RecordingOutput());
        Assert.Equal("42", loaded.Value?[MimeBundle.PlainText]);
        var output = new RecordingOutput();
        await engine.ExecuteAsync($"#r \"{second}\"", output);
        Assert.Contains(output.Items, i => i.Text.Contains("is a different build") && i.Text.Contains(first) && i.Text.Contains("restart the kernel"));
    }
}
