using System.CommandLine;
using Spectre.Console;
using VideoLab.Cli.Commands;
using VideoLab.Runtime;

// `videolab`: every verb lives in its own file under Commands/.
var root = new RootCommand("VideoLab: deep-learning video prediction and generation with TorchSharp.")
{
    InfoCommand.Create(),
    TrainCommand.Create(),
    ModelsCommand.Create(),
    RenderCommand.Create(),
    NotebooksCommand.Create(),
    EvalCommand.Create(),
    SampleCommand.Create(),
    RunsCommand.Create(),
    DataCommand.Create(),
    KernelCommand.Create(),
    SweepCommand.Create(),
    ImportCommand.Create(),
    ExportCommand.Create(),
    PredictCommand.Create(),
};

try
{
    return root.Parse(args).Invoke();
}
catch (TorchRuntimeException e)
{
    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
    return 3;
}
