using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Tests.Engine;

[Collection("engine")]
public sealed class EngineTests(EngineFixture fixture)
{
    [Fact]
    public async Task Variables_methods_and_usings_carry_over_to_later_cells()
    {
        var (first, _) = await fixture.Run("using System.Text.RegularExpressions;\nvar carried = 20;\nint Twice(int v) => 2 * v;");
        Assert.True(first.Succeeded, first.Error?.ToString());
        Assert.Null(first.Value);

        var (second, _) = await fixture.Run("Twice(carried) + Regex.Escape(\"a\").Length");
        Assert.True(second.Succeeded, second.Error?.ToString());
        Assert.Equal("41", second.Value?[MimeBundle.PlainText]);
        Assert.Equal(first.ExecutionCount + 1, second.ExecutionCount);
    }

    [Fact]
    public async Task The_trailing_expression_is_the_result_and_a_statement_has_none()
    {
        var (expression, _) = await fixture.Run("var items = new[] { 3, 4 };\nitems.Sum() * 2");
        Assert.Equal("14", expression.Value?[MimeBundle.PlainText]);

        var (statement, _) = await fixture.Run("var unused = items.Sum() * 2;");
        Assert.True(statement.Succeeded);
        Assert.Null(statement.Value);
    }

    [Fact]
    public async Task Display_shows_a_value_and_its_handle_updates_it_in_place()
    {
        var (result, output) = await fixture.Run("var shown = display(\"first\");\nshown.Update(\"second\");\n\"third\".Display();");
        Assert.True(result.Succeeded, result.Error?.ToString());
        var items = output.Items.Where(i => i.Kind != "stream").ToList();
        Assert.Equal(["display", "update", "display"], items.Select(i => i.Kind));
        Assert.Equal(["first", "second", "third"], items.Select(i => i.Bundle![MimeBundle.PlainText]));
        Assert.Equal(items[0].Key, items[1].Key);
        Assert.NotEqual(items[0].Key, items[2].Key);
    }

    [Fact]
    public async Task Console_output_is_captured_per_cell_from_every_thread_in_order()
    {
        var code = """
                   Console.WriteLine("one");
                   Console.Error.WriteLine("oops");
                   await Task.Run(() => Console.WriteLine("from the pool"));
                   var thread = new Thread(() => Console.WriteLine("from a thread"));
                   thread.Start(); thread.Join();
                   display("shown");
                   Console.Write("after");
                   """;
        var (result, output) = await fixture.Run(code);
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("one\nfrom the pool\nfrom a thread\nafter", output.Stdout.Replace("\r", ""));
        Assert.Equal("oops\n", output.Stderr.Replace("\r", ""));
        // Text written before display() is sent before it.
        var kinds = output.Items.Select(i => i.Kind == "stream" && i.Text.Contains("after") ? "after" : i.Kind).ToList();
        Assert.True(kinds.IndexOf("display") < kinds.IndexOf("after"));
    }

    [Fact]
    public async Task A_compile_error_names_the_cell_and_the_line()
    {
        var (result, _) = await fixture.Run("var fine = 1;\n\nvar broken = notDefinedAnywhere + 1;");
        Assert.False(result.Succeeded);
        Assert.Equal(CellError.Compilation, result.Error!.Name);
        Assert.Equal(result.ExecutionCount, result.Error.Cell);
        Assert.Equal(3, result.Error.Line);
        Assert.Contains("notDefinedAnywhere", result.Error.Message);
        Assert.Contains($"cell {result.ExecutionCount}, line 3", result.Error.ToString());
    }

    [Fact]
    public async Task A_runtime_exception_names_the_cell_the_line_and_the_message()
    {
        var (result, _) = await fixture.Run("var before = 1;\nif (before == 1)\n    throw new InvalidOperationException(\"boom\");");
        Assert.False(result.Succeeded);
        Assert.Equal("System.InvalidOperationException", result.Error!.Name);
        Assert.Equal("boom", result.Error.Message);
        Assert.Equal(result.ExecutionCount, result.Error.Cell);
        Assert.Equal(3, result.Error.Line);

        // The notebook goes on after a failed cell.
        var (next, _) = await fixture.Run("before + 1");
        Assert.Equal("2", next.Value?[MimeBundle.PlainText]);
    }

    [Fact]
    public async Task A_directive_line_keeps_the_line_numbers_of_the_code_below_it()
    {
        var (result, _) = await fixture.Run("#r \"nuget: \"\nvar x = 1;");
        Assert.Equal(CellError.Directive, result.Error?.Name);
        Assert.Equal(1, result.Error!.Line);

        var (path, _) = await fixture.Run("#r \"no/such/library.dll\"");
        Assert.Equal(CellError.Directive, path.Error?.Name);
        Assert.Contains("no such file", path.Error!.Message);
    }

    [Fact]
    public async Task Interrupting_stops_a_cooperative_loop_and_wakes_a_blocking_wait()
    {
        var cooperative = fixture.Run("while (!CancellationToken.IsCancellationRequested) Thread.Sleep(10);\n\"finished\"");
        await Task.Delay(300);
        fixture.Engine.Interrupt();
        var (loop, _) = await cooperative.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CellError.Interrupted, loop.Error?.Name);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;
        var (blocking, _) = await fixture.Run("Thread.Sleep(20_000);", timeout.Token);
        Assert.Equal(CellError.Interrupted, blocking.Error?.Name);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));

        var (after, _) = await fixture.Run("6 * 7");
        Assert.Equal("42", after.Value?[MimeBundle.PlainText]);
    }

    [Fact]
    public async Task Completions_come_from_the_notebook_state_and_is_complete_sees_open_blocks()
    {
        await fixture.Run("var completionTarget = \"text\";");
        var members = fixture.Engine.Complete("completionTarget.Len", 20);
        Assert.Contains("Length", members.Matches);
        Assert.Equal(17, members.Start);

        var names = fixture.Engine.Complete("completionT", 11);
        Assert.Contains("completionTarget", names.Matches);

        Assert.Equal("incomplete", fixture.Engine.IsComplete("if (true) {"));
        Assert.Equal("complete", fixture.Engine.IsComplete("var done = 1;"));
    }
}
