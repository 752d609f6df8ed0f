using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Kernel;

/// <summary>
/// Answers Jupyter's <c>history_request</c> from the kernel's own history (this kernel's runs, in memory): the
/// last <c>n</c> (<c>tail</c>), a range of execution counts (<c>range</c>), or inputs matching a glob (<c>search</c>,
/// <c>*</c> and <c>?</c> as in IPython). Entries are <c>[session, line, input]</c>, or <c>[session, line, [input, output]]</c>
/// when the output is asked for; the session is always <see cref="Session"/>.
/// </summary>
static class HistoryQuery
{
    /// <summary>This kernel's session number in replies (IPython numbers sessions from 1; 0 in a request means the current one).</summary>
    public const int Session = 1;

    public static JsonArray Answer(JsonObject request, IReadOnlyList<HistoryEntry> history)
    {
        bool output = (bool?)request["output"] ?? false;
        IEnumerable<HistoryEntry> selected = ((string?)request["hist_access_type"]) switch
        {
            "tail" => Last(history, (int?)request["n"]),
            "range" => (int?)request["session"] is null or 0 or Session
                ? history.Where(e => e.Line >= ((int?)request["start"] ?? 0) && ((int?)request["stop"] is not int stop || e.Line < stop))
                : [],
            "search" => Last(Search(history, (string?)request["pattern"] ?? "*", (bool?)request["unique"] ?? false), (int?)request["n"]),
            _ => [],
        };
        return new JsonArray([.. selected.Select(e => (JsonNode)new JsonArray(Session, e.Line,
            output ? new JsonArray(e.Input, e.Output) : JsonValue.Create(e.Input)))]);
    }

    static IEnumerable<HistoryEntry> Last(IEnumerable<HistoryEntry> entries, int? n)
    {
        var list = entries.ToList();
        return n is int count && count >= 0 ? list.Skip(Math.Max(0, list.Count - count)) : list;
    }

    static IEnumerable<HistoryEntry> Search(IReadOnlyList<HistoryEntry> history, string pattern, bool unique)
    {
        var glob = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.Singleline);
        var matches = history.Where(e => glob.IsMatch(e.Input)).ToList();
        // unique: each input once, at its latest run.
        return unique ? matches.Where((e, i) => !matches.Skip(i + 1).Any(later => later.Input == e.Input)) : matches;
    }
}
