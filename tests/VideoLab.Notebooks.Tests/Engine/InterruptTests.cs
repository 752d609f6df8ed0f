using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Tests.Engine;

/// <summary>
/// An interrupt stops what a user writes in a cell without any token (tight loops, recursion through methods,
/// lambdas on other threads, sleeps), library loops that observe the host's token, and otherwise says plainly that
/// the cell cannot be stopped and keeps the cell running (and the next cell waiting) until it ends.
/// </summary>
[Collection("engine")]
public sealed class InterruptTests(EngineFixture fixture)
{
    /// <summary>Runs a cell, waits until it printed "started", interrupts it, and returns how it ended.</summary>
    async Task<(CellResult Result, RecordingOutput Output, TimeSpan AfterInterrupt)> Interrupted(string code)
    {
        var output = new RecordingOutput();
        var running = fixture.Engine.ExecuteAsync(code, output);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!output.Stdout.Contains("started") && !running.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the cell never printed \"started\"");
            await Task.Delay(20);
        }
        var interrupted = DateTime.UtcNow;
        fixture.Engine.Interrupt();
        var result = await running.WaitAsync(TimeSpan.FromSeconds(60));
        return (result, output, DateTime.UtcNow - interrupted);
    }

    [Fact]
    public async Task A_tight_loop_that_never_checks_a_token_stops_and_the_notebook_keeps_its_variables()
    {
        var (result, _, took) = await Interrupted("long spins = 0;\nConsole.WriteLine(\"started\");\nwhile (true) spins++;");
        Assert.Equal(CellError.Interrupted, result.Error?.Name);
        Assert.Equal(3, result.Error!.Line);
        Assert.True(took < NotebookEngine.InterruptGrace, $"the loop took {took} to stop");

        var (after, _) = await fixture.Run("spins > 0");
        Assert.Equal("True", after.Value?[MimeBundle.PlainText]);
    }

    [Fact]
    public async Task Recursion_loops_on_other_threads_and_sleeps_stop_too()
    {
        var (recursion, _, _) = await Interrupted("""
            long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);
            Console.WriteLine("started");
            Fib(80)
            """);
        Assert.Equal(CellError.Interrupted, recursion.Error?.Name);

        var (threaded, _, _) = await Interrupted("""
            Console.WriteLine("started");
            await Task.Run(() => { var x = 0L; for (;;) x++; });
            """);
        Assert.Equal(CellError.Interrupted, threaded.Error?.Name);

        var (sleeping, _, took) = await Interrupted("Console.WriteLine(\"started\");\nThread.Sleep(60_000);");
        Assert.Equal(CellError.Interrupted, sleeping.Error?.Name);
        Assert.True(took < NotebookEngine.InterruptGrace, $"the sleep took {took} to be woken");
    }

    [Fact]
    public async Task A_library_loop_observes_the_hosts_token_and_the_cell_stops_after_it_returns()
    {
        var (result, output, _) = await Interrupted($"""
            #r "{typeof(LibraryLoops).Assembly.Location}"
            Console.WriteLine("started");
            var rounds = VideoLab.Notebooks.Tests.Engine.LibraryLoops.SpinUntilTheHostCancels();
            Console.WriteLine("not reached");
            """);
        Assert.Equal(CellError.Interrupted, result.Error?.Name);
        Assert.Equal(4, result.Error!.Line);
        Assert.DoesNotContain("not reached", output.Stdout);
    }

    [Fact]
    public async Task Code_that_cannot_be_interrupted_is_named_and_the_next_cell_waits_for_it()
    {
        var seconds = NotebookEngine.InterruptGrace.TotalSeconds + 1.5;
        var (result, output, took) = await Interrupted($"""
            #r "{typeof(LibraryLoops).Assembly.Location}"
            Console.WriteLine("started");
            VideoLab.Notebooks.Tests.Engine.LibraryLoops.SpinWithoutChecking({seconds});
            Console.WriteLine("not reached");
            """);
        Assert.Contains("still running", output.Stderr);
        Assert.Contains("Kernel > Restart", output.Stderr);
        Assert.True(took >= NotebookEngine.InterruptGrace, "the cell was reported stopped before its code returned");
        Assert.Equal(CellError.Interrupted, result.Error?.Name);  // stopped at the statement after the call
        Assert.DoesNotContain("not reached", output.Stdout);
    }
}
