using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Tests.Engine;

/// <summary>What a front-end asks about the notebook without running a cell: inspection, completion kinds, history, variables; and input.</summary>
[Collection("engine")]
public sealed class IntrospectionTests(EngineFixture fixture)
{
    [Fact]
    public void Inspect_shows_the_signature_and_the_xml_summary_of_framework_members()
    {
        var member = fixture.Engine.Inspect("Console.WriteLine", 12);
        Assert.NotNull(member);
        Assert.StartsWith("void Console.WriteLine(", member.Signatures[0]);
        Assert.True(member.Signatures.Count > 10, "every overload of the method group is listed");
        Assert.Contains("line terminator", member.Summary);

        // Inside the parentheses of a call: the overload the arguments pick.
        var call = fixture.Engine.Inspect("Math.Max(1.5, 2.0", 9);
        Assert.Equal("double Math.Max(double val1, double val2)", call!.Signatures[0]);
        Assert.Contains("larger of two", call.Summary);
        Assert.Contains(call.Parameters, p => p.Name == "val1" && p.Text!.Contains("first of two"));
        Assert.Contains("```csharp\ndouble Math.Max(double val1, double val2)\n```", call.ToMarkdown());

        var type = fixture.Engine.Inspect("var list = new List<int>();", 16);
        Assert.Equal("class List<int>", type!.Signatures[0]);
        Assert.Contains("strongly typed list", type.Summary);
        Assert.Null(fixture.Engine.Inspect("   ", 1));
    }

    [Fact]
    public async Task Inspect_reads_the_library_docs_and_names_the_notebooks_own_variables_plainly()
    {
        await fixture.Run($"#r \"{TestPaths.LibraryDll}\"\nvar inspectedCount = 3;");
        var library = fixture.Engine.Inspect("VideoLab.Plots.ChartText.Describe", 32);
        Assert.Equal("string ChartText.Describe(GenericChart chart)", library!.Signatures[0]);
        Assert.Contains("For example", library.Summary);

        var variable = fixture.Engine.Inspect("inspectedCount", 5);
        Assert.Equal("int inspectedCount", variable!.Signatures[0]);
    }

    [Fact]
    public async Task Completions_say_what_each_match_is()
    {
        await fixture.Run("var completionKinds = 1;\nint KindOf(int x) { return x; }");
        var members = fixture.Engine.Complete("Console.WriteL", 14);
        var writeLine = Assert.Single(members.Items, i => i.Text == "WriteLine");
        Assert.Equal("function", writeLine.Type);
        Assert.StartsWith("(", writeLine.Signature);

        var names = fixture.Engine.Complete("complet", 7).Items.Concat(fixture.Engine.Complete("KindO", 5).Items)
                           .Concat(fixture.Engine.Complete("Syst", 4).Items).Concat(fixture.Engine.Complete("Strin", 5).Items).ToList();
        Assert.Equal("instance", names.Single(i => i.Text == "completionKinds").Type);
        Assert.Equal("function", names.Single(i => i.Text == "KindOf").Type);
        Assert.Equal("module", names.Single(i => i.Text == "System").Type);
        Assert.Equal("class", names.Single(i => i.Text == "String").Type);
    }

    [Fact]
    public async Task Runs_without_history_take_no_execution_count_and_stay_out_of_the_history()
    {
        var (stored, _) = await fixture.Run("var historyValue = 20;\nhistoryValue + 1");
        var count = fixture.Engine.ExecutionCount;
        var quiet = await fixture.Engine.ExecuteAsync("historyValue * 2", new RecordingOutput(), request: new CellRequest { StoreHistory = false });
        Assert.Equal("40", quiet.Value?[MimeBundle.PlainText]);
        Assert.Equal(count, fixture.Engine.ExecutionCount);
        Assert.Equal(count, quiet.ExecutionCount);

        var last = fixture.Engine.History[^1];
        Assert.Equal(new HistoryEntry(stored.ExecutionCount, "var historyValue = 20;\nhistoryValue + 1", "21"), last);
        Assert.DoesNotContain(fixture.Engine.History, e => e.Input == "historyValue * 2");
    }

    [Fact]
    public async Task Whos_lists_the_variables_with_their_types_and_tensor_shapes()
    {
        await fixture.Run($$"""
            #r "{{TestPaths.LibraryDll}}"
            var frames = TorchSharp.torch.zeros(2, 3, 8, 8);
            var labels = new List<string> { "a", "b" };
            var rate = 0.5;
            var title = "moving shapes";
            """);
        var (result, output) = await fixture.Run("#!whos");
        Assert.True(result.Succeeded, result.Error?.ToString());
        var listing = output.Items.Single(i => i.Kind == "display").Bundle!;
        var text = listing[MimeBundle.PlainText]!;
        Assert.Matches(@"frames\s+torch\.Tensor\s+\[2, 3, 8, 8\] Float32 cpu", text);
        Assert.Matches(@"labels\s+List<string>\s+Count = 2", text);
        Assert.Matches(@"rate\s+double\s+0.5", text);
        Assert.Matches("title\\s+string\\s+\"moving shapes\"", text);
        Assert.Contains("<td><code>frames</code></td>", listing[MimeBundle.Html]);

        var (unknown, _) = await fixture.Run("#!fsharp\nlet x = 1");
        Assert.Equal(CellError.Directive, unknown.Error?.Name);
        Assert.Contains("#!whos", unknown.Error!.Message);
        var (polyglot, _) = await fixture.Run("#!csharp\n1 + 2");
        Assert.Equal("3", polyglot.Value?[MimeBundle.PlainText]);
    }

    [Fact]
    public async Task Console_ReadLine_asks_the_front_end_with_the_current_line_as_prompt_or_says_none_can_answer()
    {
        var prompts = new List<InputPrompt>();
        var output = new RecordingOutput();
        var asked = await fixture.Engine.ExecuteAsync("Console.Write(\"Your name: \");\nvar name = Console.ReadLine();\n$\"Hello, {name}\"", output,
            request: new CellRequest { Input = (prompt, _) => { prompts.Add(prompt); return "Ada"; } });
        Assert.Equal("Hello, Ada", asked.Value?[MimeBundle.PlainText]);
        Assert.Equal([new InputPrompt("Your name: ", false)], prompts);
        Assert.DoesNotContain("Your name", output.Stdout);  // it became the prompt

        var (refused, _) = await fixture.Run("var line = Console.ReadLine();");
        Assert.Equal("System.InvalidOperationException", refused.Error?.Name);
        Assert.Contains("allow_stdin", refused.Error!.Message);
    }
}
