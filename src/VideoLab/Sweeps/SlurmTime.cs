using System.Globalization;

namespace VideoLab.Sweeps;

/// <summary>Slurm's time-limit notation (sbatch <c>--time</c>): "minutes", "MM:SS", "HH:MM:SS", "D-HH", "D-HH:MM", "D-HH:MM:SS".</summary>
public static class SlurmTime
{
    /// <summary>The limit in seconds, or null when <paramref name="text"/> is not in Slurm's notation.</summary>
    public static long? Seconds(string text)
    {
        text = text.Trim();
        long days = 0;
        int dash = text.IndexOf('-');
        string clock = text;
        if (dash >= 0)
        {
            if (!TryNumber(text[..dash], out days)) return null;
            clock = text[(dash + 1)..];
        }
        var parts = clock.Split(':');
        if (parts.Length > 3 || !parts.All(p => TryNumber(p, out _))) return null;
        var n = parts.Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        long seconds = dash >= 0
            ? n.Length switch { 1 => n[0] * 3600, 2 => n[0] * 3600 + n[1] * 60, _ => n[0] * 3600 + n[1] * 60 + n[2] }  // D-HH[:MM[:SS]]
            : n.Length switch { 1 => n[0] * 60, 2 => n[0] * 60 + n[1], _ => n[0] * 3600 + n[1] * 60 + n[2] };      // MM, MM:SS, HH:MM:SS
        seconds += days * 86400;
        return seconds > 0 ? seconds : null;
    }

    static bool TryNumber(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
