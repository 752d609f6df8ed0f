using System.CommandLine;
using Spectre.Console;
using TorchSharp;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab train</c>. Until the training engine lands this is a smoke run: it prints the runtime
/// report and trains a tiny next-frame convolutional net on moving squares for a few steps.
/// </summary>
static class TrainCommand
{
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => 30 };
        var seed = new Option<long>("--seed") { Description = "Seed for every random number generator.", DefaultValueFactory = _ => 42 };
        var command = new Command("train", "Train a model (currently: a smoke run of a tiny next-frame predictor).") { steps, seed };
        command.SetAction(parse => Run(parse.GetValue(steps), parse.GetValue(seed)));
        return command;
    }

    static int Run(int steps, long seed)
    {
        if (steps <= 0) { AnsiConsole.MarkupLine("[red]error:[/] --steps must be positive."); return 2; }
        AnsiConsole.WriteLine(Lab.Report().ToString());
        Lab.Seed(seed);
        var net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding: 1), nn.ReLU(),
            nn.Conv2d(16, 1, 3, padding: 1), nn.Sigmoid()).to(Lab.Device);
        var optimizer = optim.Adam(net.parameters(), lr: 3e-3);
        double first = double.NaN, last = double.NaN;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var clip = MovingSquares(batch: 8, frames: 2, size: 32).to(Lab.Device);  // (B, 2, 1, H, W)
            var input = clip.select(1, 0);                                         // (B, 1, H, W)
            var target = clip.select(1, 1);
            var loss = nn.functional.mse_loss(net.call(input), target);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
            if (step % 10 == 0 || step == steps - 1) AnsiConsole.WriteLine($"step {step,4}  loss {last:F5}");
        }
        AnsiConsole.WriteLine($"loss {first:F5} → {last:F5} over {steps} steps");
        return double.IsFinite(last) ? 0 : 1;
    }

    /// <summary>A white square moving one pixel right per frame on black, at random positions.</summary>
    static Tensor MovingSquares(int batch, int frames, int size)
    {
        var clips = zeros([batch, frames, 1, size, size]);
        for (int b = 0; b < batch; b++)
        {
            int x = Lab.Random.Next(0, size - 8 - frames), y = Lab.Random.Next(0, size - 8);
            for (int t = 0; t < frames; t++)
                clips[b, t, 0, TensorIndex.Slice(y, y + 8), TensorIndex.Slice(x + t, x + t + 8)] = 1f;
        }
        return clips;
    }
}
