using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Tests.Engine;

/// <summary>Where the interrupt points go, and that every line of the cell stays on its line.</summary>
public sealed class InterruptPointsTests
{
    const string Check = "global::VideoLab.Notebooks.Scripting.Interruption.Check();";

    static string Normalize(string line) =>
        string.Concat(line.Replace(Check, "").Replace("=>", "").Replace("return", "").Where(c => !char.IsWhiteSpace(c) && c != '{' && c != '}'));

    static int Checks(string code) => (code.Length - code.Replace(Check, "").Length) / Check.Length;

    [Fact]
    public void Loops_methods_lambdas_labels_and_statements_get_a_check_and_no_line_moves()
    {
        var code = """
                   var total = 0;
                   while (total < 10)
                       total++;
                   for (int i = 0; i < 3; i++) { total += i; }
                   foreach (var (a, b) in new[] { (1, 2) }) total += a + b;
                   do total--; while (total > 100);
                   long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);
                   void Log(string s) => Console.WriteLine(s);
                   Func<int, int> twice = x => { return 2 * x; };
                   again: total++;
                   class Counter { public int Next() { return 1; } public int Value { get { return 2; } } }
                   total
                   """;
        var rewritten = InterruptPoints.Insert(code);
        // 4 loops; Fib, Log, the lambda, the label, Next, the getter; before each of the 7 statements and variables after the first.
        Assert.Equal(17, Checks(rewritten));
        var before = code.Split('\n');
        var after = rewritten.Split('\n');
        Assert.Equal(before.Length, after.Length);
        // Each line holds what it held, give or take the checks, braces around bodies and `=> e` turned into `return e`.
        for (int line = 0; line < before.Length; line++)
            Assert.Equal(Normalize(before[line]), Normalize(after[line]));
        Assert.EndsWith(Check + " total", rewritten);  // the trailing expression is still the cell's last member, its result
        Assert.Contains(Check + " while (total < 10)\n    { " + Check + " total++; }", rewritten);
        Assert.Contains("long Fib(int n) { " + Check + " return n < 2 ? n : Fib(n - 1) + Fib(n - 2); }", rewritten);
        Assert.Contains("void Log(string s) { " + Check + " Console.WriteLine(s); }", rewritten);
    }

    [Fact]
    public void Async_expression_bodies_and_code_that_does_not_parse_are_left_alone()
    {
        const string asyncBody = "async Task<int> Later() => await Task.FromResult(1);";
        Assert.Equal(asyncBody, InterruptPoints.Insert(asyncBody));
        const string broken = "while (true { x++; }";
        Assert.Equal(broken, InterruptPoints.Insert(broken));
    }
}
