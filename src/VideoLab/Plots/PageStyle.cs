using VideoLab.Display;

namespace VideoLab.Plots;

/// <summary>The CSS shared by VideoLab's HTML views, inlined once per page or notebook.</summary>
public static class PageStyle
{
    public const string AssetKey = "videolab-style";

    public static string Require(HtmlAssets assets) => assets.Require(AssetKey, () => Css);

    const string Css = """
        <style>
        .vl-page { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
        .vl-row { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
        .vl-cell { min-width: 0; }
        .vl-grid { border-collapse: collapse; margin: 0.5em 0; }
        .vl-grid th { font-weight: normal; text-align: right; padding-right: 0.6em; font-size: 0.85em; color: #555; }
        .vl-grid td { padding: 1px; }
        .vl-grid img, .vl-player img { image-rendering: pixelated; background: #000; display: block; }
        .vl-grid caption { caption-side: bottom; font-size: 0.85em; color: #555; }
        .vl-table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
        .vl-table th, .vl-table td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
        .vl-table th:first-child, .vl-table td:first-child { text-align: left; }
        .vl-pre { background: #f6f6f6; padding: 0.8em; font-size: 0.8em; max-height: 24em; overflow: auto; }
        .vl-player { display: inline-block; margin: 0.5em 0; }
        .vl-player-clips { display: flex; gap: 0.5em; flex-wrap: wrap; }
        .vl-player figure { margin: 0; }
        .vl-player figcaption { font-size: 0.8em; color: #555; text-align: center; }
        .vl-player-controls { display: flex; gap: 0.5em; align-items: center; margin-top: 0.3em; font-size: 0.85em; }
        </style>

        """;
}
