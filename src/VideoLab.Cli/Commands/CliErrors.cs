using Spectre.Console;
using VideoLab.Interop;
using VideoLab.Modules;
using VideoLab.Training;

namespace VideoLab.Cli.Commands;

/// <summary>A mistake in what the user asked for (exit code 2); the message says what to do.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>Turns the exceptions of a verb into a red message and an exit code, so no stack trace reaches the user.</summary>
static class CliErrors
{
    public static int Guard(Func<int> verb)
    {
        try
        {
            return verb();
        }
        catch (Exception e) when (e is CliException or ArgumentException or FileNotFoundException or DirectoryNotFoundException
                                      or InvalidDataException or VideoShapeException or DataModelMismatchException or WeightException
                                      or CheckpointModelMismatchException)
        {
            Error(e.Message);
            return TrainCommand.BadInput;
        }
        catch (Exception e) when (e is NonFiniteLossException or TrainingOutOfMemoryException)
        {
            Error(e.Message);
            return TrainCommand.Failed;
        }
    }

    static void Error(string message) => AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {message}");
}
