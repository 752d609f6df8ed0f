using System.Text;
using TorchSharp;
using VideoLab.Display;
using static TorchSharp.torch;

namespace VideoLab.Plots;

/// <summary>
/// An animation player for one clip or several side by side (same frame index for all): play/pause,
/// a frame slider and a frame counter, in ≈40 lines of hand-written JavaScript included once per page.
/// Frames are PNG data URIs swapped into an &lt;img&gt;, so a 20-frame 64×64 clip costs tens of KB
/// (Plotly animation frames would re-send a whole figure per frame and need plotly.js to show a video).
/// </summary>
public sealed class ClipPlayer : IHtmlView
{
    public const string ScriptKey = "videolab-player";

    readonly List<(string Label, string[] Frames)> _clips;

    /// <summary>Frames per second when playing.</summary>
    public int Fps { get; }
    /// <summary>Displayed width and height of each clip in CSS pixels (nearest-neighbour upscaling).</summary>
    public int DisplaySize { get; }
    /// <summary>Number of frames (the longest clip; shorter clips hold their last frame).</summary>
    public int FrameCount => _clips.Max(c => c.Frames.Length);
    public IReadOnlyList<string> Labels => _clips.Select(c => c.Label).ToList();

    ClipPlayer(List<(string, string[])> clips, int fps, int displaySize)
    {
        _clips = clips;
        Fps = fps;
        DisplaySize = displaySize;
    }

    /// <summary>Clips <c>(T, C, H, W)</c> in [0, 1], each with a caption.</summary>
    public static ClipPlayer Create(IEnumerable<(string Label, Tensor Clip)> clips, int fps = 6, int displaySize = 128)
    {
        if (fps <= 0 || fps > 60) throw new ArgumentOutOfRangeException(nameof(fps), fps, "Frames per second must be in 1..60.");
        var encoded = clips.Select(c => (c.Label, FrameImages.DataUris(c.Clip))).ToList();
        if (encoded.Count == 0) throw new ArgumentException("No clips to play.", nameof(clips));
        if (encoded.Any(c => c.Item2.Length == 0)) throw new ArgumentException("A clip has no frames (T = 0).", nameof(clips));
        return new ClipPlayer(encoded, fps, displaySize);
    }

    public static ClipPlayer Create(Tensor clip, string label = "", int fps = 6, int displaySize = 128) =>
        Create([(label, clip)], fps, displaySize);

    /// <summary>The first <paramref name="count"/> clips of a batch <c>(N, T, C, H, W)</c>, side by side.</summary>
    public static ClipPlayer FromBatch(Tensor clips, int count = 4, string label = "#", int fps = 6, int displaySize = 128)
    {
        if (clips.dim() != 5)
            throw new ArgumentException($"Expected clips (N, T, C, H, W); got ({string.Join(", ", clips.shape)}).", nameof(clips));
        int n = (int)Math.Min(count, clips.shape[0]);
        var list = new List<(string, Tensor)>();
        try
        {
            for (int i = 0; i < n; i++) list.Add(($"{label}{i}", clips[i]));  // (T, C, H, W)
            return Create(list, fps, displaySize);
        }
        finally { foreach (var (_, t) in list) t.Dispose(); }
    }

    public string ToHtml(HtmlAssets assets)
    {
        var html = new StringBuilder();
        html.Append(PageStyle.Require(assets));
        html.Append(assets.Require(ScriptKey, () => $"<script>\n{Script}\n</script>\n"));
        int last = FrameCount - 1;
        html.Append($"<div class=\"vl-player\" data-fps=\"{Fps}\" data-frames=\"{FrameCount}\"><div class=\"vl-player-clips\">");
        foreach (var (label, frames) in _clips)
            html.Append($"<figure><img src=\"{frames[0]}\" width=\"{DisplaySize}\" height=\"{DisplaySize}\" alt=\"\">" +
                        $"<figcaption>{HtmlBlocks.Encode(label)}</figcaption></figure>");
        html.Append("</div><div class=\"vl-player-controls\">" +
                    "<button type=\"button\" class=\"vl-play\">▶ play</button>" +
                    $"<input type=\"range\" class=\"vl-slider\" min=\"0\" max=\"{last}\" value=\"0\">" +
                    $"<span class=\"vl-counter\">1 / {FrameCount}</span></div>");
        // A JSON array of arrays of data URIs, written by hand: they hold only [A-Za-z0-9+/=:;,], nothing to escape.
        var data = "[" + string.Join(",", _clips.Select(c => "[" + string.Join(",", c.Frames.Select(f => $"\"{f}\"")) + "]")) + "]";
        html.Append($"<script type=\"application/json\" class=\"vl-player-data\">{data}</script>");
        html.Append("</div>\n<script>videolabPlayers();</script>\n");
        return html.ToString();
    }

    // Wires every .vl-player on the page not yet wired; safe to call after each notebook output.
    const string Script = """
        function videolabPlayers() {
          document.querySelectorAll('.vl-player:not([data-ready])').forEach(function (player) {
            player.setAttribute('data-ready', '1');
            var clips = JSON.parse(player.querySelector('.vl-player-data').textContent);
            var images = player.querySelectorAll('.vl-player-clips img');
            var slider = player.querySelector('.vl-slider');
            var button = player.querySelector('.vl-play');
            var counter = player.querySelector('.vl-counter');
            var count = parseInt(player.getAttribute('data-frames'), 10);
            var fps = parseInt(player.getAttribute('data-fps'), 10);
            var timer = null;
            function show(t) {
              slider.value = t;
              player.setAttribute('data-frame', t);
              counter.textContent = (t + 1) + ' / ' + count;
              clips.forEach(function (frames, i) { images[i].src = frames[Math.min(t, frames.length - 1)]; });
            }
            function stop() { clearInterval(timer); timer = null; button.textContent = '▶ play'; }
            button.addEventListener('click', function () {
              if (timer) { stop(); return; }
              button.textContent = '❚❚ pause';
              timer = setInterval(function () { show((parseInt(slider.value, 10) + 1) % count); }, 1000 / fps);
            });
            slider.addEventListener('input', function () { stop(); show(parseInt(slider.value, 10)); });
            show(0);
          });
        }
        """;
}
