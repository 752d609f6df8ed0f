using System.Globalization;

namespace VideoLab.Bench;

/// <summary>
/// <c>--key value</c> pairs of one worker call. The driver (bench/driver.py) passes the same keys to this
/// worker and to the PyTorch peer (bench/peers/worker.py), so both build the same model on the same data.
/// </summary>
public sealed class Options
{
    readonly Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);

    public Options(IEnumerable<string> args)
    {
        string? key = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--")) { key = a[2..]; values[key] = "true"; }
            else if (key is not null) { values[key] = a; key = null; }
            else throw new ArgumentException($"Unexpected argument '{a}': expected --key value pairs.");
        }
    }

    public string Text(string key, string fallback) => values.TryGetValue(key, out var v) ? v : fallback;
    public string Required(string key) =>
        values.TryGetValue(key, out var v) ? v : throw new ArgumentException($"Missing --{key}.");
    public int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public double Double(string key, double fallback) =>
        values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
