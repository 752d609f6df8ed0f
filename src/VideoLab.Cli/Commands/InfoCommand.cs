using System.CommandLine;
using VideoLab.Runtime;

namespace VideoLab.Cli.Commands;

/// <summary><c>videolab info</c>: what the runtime picked (device, threads, LibTorch version, quick mode).</summary>
static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Print the runtime report: device, threads, TorchSharp and LibTorch versions, quick mode.");
        command.SetAction(_ =>
        {
            Console.WriteLine(Lab.Report());
            return 0;
        });
        return command;
    }
}
