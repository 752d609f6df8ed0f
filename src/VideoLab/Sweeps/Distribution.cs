using System.Globalization;

namespace VideoLab.Sweeps;

/// <summary>
/// Where a random axis draws its values from. A drawn number is written with 3 significant digits, and that
/// text is what the run gets and what its name shows (so the name and the run agree exactly).
/// </summary>
public abstract record Distribution
{
    /// <summary>One value, as the text passed to <c>videolab train</c>.</summary>
    public abstract string Draw(Random random);

    internal static string Format(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}

/// <summary>Uniform on [<paramref name="Low"/>, <paramref name="High"/>].</summary>
public sealed record Uniform(double Low, double High) : Distribution
{
    public override string Draw(Random random) => Format(Low + random.NextDouble() * (High - Low));
}

/// <summary>Log-uniform on [<paramref name="Low"/>, <paramref name="High"/>] (both positive): the usual prior for learning rates and weight decay.</summary>
public sealed record LogUniform(double Low, double High) : Distribution
{
    public override string Draw(Random random) => Format(Math.Exp(Math.Log(Low) + random.NextDouble() * (Math.Log(High) - Math.Log(Low))));
}

/// <summary>An integer uniform on [<paramref name="Low"/>, <paramref name="High"/>], both included.</summary>
public sealed record IntUniform(long Low, long High) : Distribution
{
    public override string Draw(Random random) => random.NextInt64(Low, High + 1).ToString(CultureInfo.InvariantCulture);
}

/// <summary>One of <paramref name="Values"/>, each equally likely.</summary>
public sealed record Choice(IReadOnlyList<string> Values) : Distribution
{
    public override string Draw(Random random) => Values[random.Next(Values.Count)];
}
