using System.Security.Cryptography;
using VideoLab.Data;

namespace VideoLab.Tests.Data;

public class DownloaderTests
{
    static readonly byte[] Fixture = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 253)).ToArray();
    static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
    static RemoteFile File1(string? sha = null) => new("seq.npy", "http://unreachable.invalid/", Fixture.Length, sha ?? Sha(Fixture));

    [Fact]
    public async Task Downloads_verifies_and_renames_then_skips_a_verified_file()
    {
        using var server = new LoopbackServer(new() { ["seq.npy"] = Fixture });
        using var dir = new TempFolder();
        var downloader = new Downloader { BaseUrl = server.BaseUrl };
        var reports = new List<DownloadProgress>();
        var path = await downloader.DownloadAsync(File1(), dir.Path, new SyncProgress(reports.Add));
        Assert.Equal(dir.File("seq.npy"), path);
        Assert.Equal(Fixture, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".part"));
        Assert.Equal(Fixture.Length, reports[^1].Received);
        Assert.Equal("/files/seq.npy", Assert.Single(server.Requests).Path);

        await downloader.DownloadAsync(File1(), dir.Path);
        Assert.Single(server.Requests);  // verified on disk: not fetched again
    }

    [Fact]
    public async Task A_checksum_mismatch_leaves_no_file_in_place()
    {
        using var server = new LoopbackServer(new() { ["seq.npy"] = Fixture });
        using var dir = new TempFolder();
        var downloader = new Downloader { BaseUrl = server.BaseUrl };
        var wrong = new string('0', 64);
        var e = await Assert.ThrowsAsync<DownloadException>(() => downloader.DownloadAsync(File1(wrong), dir.Path));
        Assert.Contains(wrong, e.Message);
        Assert.Contains(Sha(Fixture), e.Message);
        Assert.Contains("/files/seq.npy", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task An_interrupted_transfer_resumes_with_a_range_request()
    {
        using var server = new LoopbackServer(new() { ["seq.npy"] = Fixture }) { CutAfter = 120_000 };
        using var dir = new TempFolder();
        var downloader = new Downloader { BaseUrl = server.BaseUrl };
        var e = await Assert.ThrowsAsync<DownloadException>(() => downloader.DownloadAsync(File1(), dir.Path));
        Assert.Contains("interrupted", e.Message);
        Assert.Contains("run the command again to resume", e.Message);
        Assert.False(File.Exists(dir.File("seq.npy")));
        long kept = new FileInfo(dir.File("seq.npy.part")).Length;
        Assert.InRange(kept, 1, Fixture.Length - 1);

        var path = await downloader.DownloadAsync(File1(), dir.Path);
        Assert.Equal(Fixture, File.ReadAllBytes(path));
        Assert.Equal($"bytes={kept}-", server.Requests[^1].Range);
        Assert.False(File.Exists(dir.File("seq.npy.part")));
    }

    [Fact]
    public async Task A_missing_file_on_the_server_is_reported_with_the_url()
    {
        using var server = new LoopbackServer(new());
        using var dir = new TempFolder();
        var e = await Assert.ThrowsAsync<DownloadException>(() => new Downloader { BaseUrl = server.BaseUrl }.DownloadAsync(File1(), dir.Path));
        Assert.Contains("404", e.Message);
        Assert.Contains(server.BaseUrl + "/seq.npy", e.Message);
    }

    [Fact]
    public void Every_dataset_has_https_or_http_urls_sizes_and_sha256s()
    {
        foreach (var dataset in DatasetSources.All)
            foreach (var file in dataset.Files)
            {
                Assert.Matches("^https?://", file.BaseUrl);
                Assert.Matches("^[0-9a-f]{64}$", file.Sha256);
                Assert.True(file.Size > 0);
            }
        Assert.Equal(["mnist", "fashion-mnist", "moving-mnist"], DatasetSources.All.Select(d => d.Name));
        Assert.Contains("moving-mnist", Assert.Throws<ArgumentException>(() => DatasetSources.Get("ucf101")).Message);
    }

    sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
