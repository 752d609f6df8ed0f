using Microsoft.CodeAnalysis.Scripting;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// One cell's script, running: its synchronous part (all of a cell's code up to its first unfinished
/// <c>await</c>: nearly every cell) on a thread of its own, the rest wherever its awaits resume.
/// </summary>
/// <remarks>
/// A thread of its own, not the thread pool's, so that an interrupt can wake the cell from a long blocking wait
/// (<c>Thread.Sleep</c>, <c>Task.Wait</c>, a lock) with <see cref="Thread.Interrupt"/> without ever touching a
/// thread that runs something else. The thread ends with the synchronous part; an interrupt is only delivered
/// while the thread is in it, and only when it has been waiting for a while (see <see cref="WakeIfWaiting"/>).
/// </remarks>
sealed class CellRun
{
    readonly Thread _thread;
    readonly Lock _gate = new();
    readonly TaskCompletionSource<ScriptState<object?>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    bool _inSynchronousPart = true;
    int _waitingPolls;

    CellRun(Func<Task<ScriptState<object?>>> run)
    {
        _thread = new Thread(() => Body(run)) { IsBackground = true, Name = "notebook-cell" };
    }

    /// <summary>Ends with the script's state (its exception, if any, inside it).</summary>
    public Task<ScriptState<object?>> Completion => _done.Task;

    /// <summary>Starts <paramref name="run"/> (a script's RunAsync) on a new thread, with the caller's execution context.</summary>
    public static CellRun Start(Func<Task<ScriptState<object?>>> run)
    {
        var cell = new CellRun(run);
        cell._thread.Start();
        return cell;
    }

    /// <summary>
    /// Called repeatedly after an interrupt: wakes the cell's thread with a <see cref="ThreadInterruptedException"/>
    /// once it has been seen blocked in a wait at two calls in a row (a long sleep or wait, not a brief lock).
    /// </summary>
    public void WakeIfWaiting()
    {
        lock (_gate)
        {
            if (!_inSynchronousPart) return;
            _waitingPolls = (_thread.ThreadState & ThreadState.WaitSleepJoin) != 0 ? _waitingPolls + 1 : 0;
            if (_waitingPolls >= 2) _thread.Interrupt();
        }
    }

    void Body(Func<Task<ScriptState<object?>>> run)
    {
        Task<ScriptState<object?>> task;
        try
        {
            task = run();
        }
        catch (Exception e)
        {
            _done.TrySetException(e);
            return;
        }
        finally
        {
            lock (_gate) _inSynchronousPart = false;
        }
        task.ContinueWith(t =>
        {
            if (t.IsFaulted) _done.TrySetException(t.Exception!.InnerExceptions);
            else if (t.IsCanceled) _done.TrySetCanceled();
            else _done.TrySetResult(t.Result);
        }, TaskScheduler.Default);
    }
}
