using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace VideoLab.Data;

/// <summary>How far a download is.</summary>
/// <param name="File">The file's name.</param>
/// <param name="Received">Bytes on disk so far (including a resumed part).</param>
/// <param name="Total">Expected size.</param>
public sealed record DownloadProgress(string File, long Received, long Total);

/// <summary>A download failed; the message says what was expected and whether running it again resumes.</summary>
public sealed class DownloadException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// Downloads dataset files safely: into <c>NAME.part</c>, resuming a partial file with an HTTP Range request,
/// then checks size and SHA-256 and only then renames it to <c>NAME</c>. A file that fails the check is deleted,
/// so a wrong or half-written file is never left under the final name. Files already present and verified are skipped.
/// </summary>
public sealed class Downloader(HttpClient? http = null)
{
    /// <summary>Environment variable naming a mirror that replaces every file's base URL.</summary>
    public const string MirrorVariable = "VIDEOLAB_DATA_MIRROR";

    readonly HttpClient _http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Base URL used instead of each file's own (a mirror, or a local test server); <see cref="MirrorVariable"/> when null.</summary>
    public string? BaseUrl { get; init; } = Environment.GetEnvironmentVariable(MirrorVariable) is { Length: > 0 } m ? m : null;

    /// <summary>The URL <paramref name="file"/> is fetched from.</summary>
    public string UrlOf(RemoteFile file) => (BaseUrl ?? file.BaseUrl).TrimEnd('/') + "/" + file.Name;

    /// <summary>Every file of <paramref name="dataset"/> into <c>outRoot/dataset.Folder</c>; returns their paths.</summary>
    public async Task<IReadOnlyList<string>> DownloadAsync(RemoteDataset dataset, string outRoot, IProgress<DownloadProgress>? progress = null,
                                                           CancellationToken cancel = default)
    {
        var paths = new List<string>();
        foreach (var file in dataset.Files)
            paths.Add(await DownloadAsync(file, Path.Combine(outRoot, dataset.Folder), progress, cancel));
        return paths;
    }

    /// <summary>Downloads <paramref name="file"/> into <paramref name="folder"/> and returns its verified path.</summary>
    /// <exception cref="DownloadException">HTTP error, interrupted transfer (run again to resume), or a size or checksum mismatch (the part is deleted).</exception>
    public async Task<string> DownloadAsync(RemoteFile file, string folder, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(folder);
        string final = Path.Combine(folder, file.Name), part = final + ".part", url = UrlOf(file);
        if (File.Exists(final) && new FileInfo(final).Length == file.Size && await Sha256Async(final, cancel) == file.Sha256)
        {
            progress?.Report(new DownloadProgress(file.Name, file.Size, file.Size));
            return final;
        }

        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (have > file.Size) { File.Delete(part); have = 0; }
        if (have < file.Size) await FetchAsync(url, file, part, have, progress, cancel);

        long size = new FileInfo(part).Length;
        var sha = await Sha256Async(part, cancel);
        if (size != file.Size || sha != file.Sha256)
        {
            File.Delete(part);
            throw new DownloadException($"{url}: the download does not match: expected {file.Size:N0} bytes with SHA-256 {file.Sha256}, " +
                                        $"got {size:N0} bytes with SHA-256 {sha}. It was deleted; run the command again, or check the mirror.");
        }
        File.Move(part, final, overwrite: true);
        return final;
    }

    async Task FetchAsync(string url, RemoteFile file, string part, long have, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        HttpResponseMessage response;
        try { response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel); }
        catch (HttpRequestException e) { throw new DownloadException($"{url}: cannot connect ({e.Message}). Check the network or pass a mirror with --base-url.", e); }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return;  // the part is already whole: verify it
            if (!response.IsSuccessStatusCode)
                throw new DownloadException($"{url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}; expected the file {file.Name}.");
            bool resumed = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
            if (!resumed) have = 0;  // the server ignored the range: start over
            await using var output = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            await using var input = await response.Content.ReadAsStreamAsync(cancel);
            var buffer = new byte[1 << 16];
            long received = have;
            progress?.Report(new DownloadProgress(file.Name, received, file.Size));
            try
            {
                int n;
                while ((n = await input.ReadAsync(buffer, cancel)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, n), cancel);
                    received += n;
                    progress?.Report(new DownloadProgress(file.Name, received, file.Size));
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new DownloadException($"{url}: the transfer was interrupted after {received:N0} of {file.Size:N0} bytes ({e.Message}). " +
                                            $"The part is kept in {part}; run the command again to resume.", e);
            }
        }
    }

    /// <summary>SHA-256 of a file, lowercase hex.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancel = default)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancel));
    }
}
