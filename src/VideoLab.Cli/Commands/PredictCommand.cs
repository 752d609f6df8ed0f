using System.CommandLine;
using Spectre.Console;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Media;
using VideoLab.Models;
using VideoLab.Modules;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab predict</c>: any predictor on the user's own clips. Input: an NPY array (N, T, C, H, W) or one clip
/// (T, C, H, W), float in [0, 1] (uint8 is divided by 255), at the model's channels and frame size; or a video file,
/// decoded, resized and cropped to the model's frame size. Output by extension: <c>.npy</c> (float32
/// (N, horizon, C, H, W)), <c>.mp4</c> or <c>.gif</c> (clips tiled side by side).
/// </summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file, or a run directory (its best checkpoint).", Required = true };
        var input = new Option<string>("--input") { Description = "Clips: .npy (N, T, C, H, W) or (T, C, H, W) in [0, 1], or a video file.", Required = true };
        var horizon = new Option<int?>("--horizon") { Description = "Frames to predict (default: the horizon the model was trained for)." };
        var context = new Option<int?>("--context") { Description = "Use the first K frames of each clip as context (default: every frame of an .npy; the trained context of a video)." };
        var output = new Option<string>("--out") { Description = "Output: .npy, .mp4 or .gif.", Required = true };
        var withContext = new Option<bool>("--with-context") { Description = "Write the context frames before the prediction." };
        var batchSize = new Option<int>("--batch-size") { Description = "Clips per forward pass.", DefaultValueFactory = _ => 16 };
        var fps = new Option<int>("--fps") { Description = "Frames per second of .mp4/.gif output.", DefaultValueFactory = _ => 4 };
        var command = new Command("predict", "Predict the next frames of your own clips (.npy or a video file) with any predictor; writes .npy, .mp4 or .gif.")
        {
            checkpoint, input, horizon, context, output, withContext, batchSize, fps,
        };
        command.SetAction(parse => CliErrors.Guard(() => Run(parse.GetValue(checkpoint)!, parse.GetValue(input)!, parse.GetValue(horizon), parse.GetValue(context),
            parse.GetValue(output)!, parse.GetValue(withContext), parse.GetValue(batchSize), parse.GetValue(fps))));
        return command;
    }

    static int Run(string checkpointPath, string inputPath, int? horizon, int? context, string output, bool withContext, int batchSize, int fps)
    {
        var extension = Path.GetExtension(output).ToLowerInvariant();
        if (extension is not (".npy" or ".mp4" or ".gif")) throw new CliException($"--out must end in .npy, .mp4 or .gif; got '{output}'.");
        if (batchSize < 1 || fps < 1) throw new CliException("--batch-size and --fps must be positive.");
        if (!File.Exists(inputPath)) throw new FileNotFoundException($"No input file at {inputPath}.", inputPath);
        var source = CheckpointSource.Open(checkpointPath);
        if (source.Model is not IVideoPredictor predictor || ModelRegistry.Get(source.Spec.Name).ConfigFromJson(source.Spec.ConfigJson) is not IPredictorConfig config)
            throw new CliException($"'{source.Spec.Name}' is not a predictor; predict runs the models `videolab models` lists as predictors.");
        int frames = horizon ?? config.Horizon;
        if (frames < 1) throw new CliException($"--horizon must be at least 1; got {frames}.");

        using var scope = NewDisposeScope();
        var clips = ReadClips(inputPath, config, context);                                   // (N, Tc, C, H, W) on the CPU
        source.Model.eval();
        var predictions = new List<Tensor>();
        using (torch.no_grad())
            for (long start = 0; start < clips.shape[0]; start += batchSize)
            {
                var batch = clips.narrow(0, start, Math.Min(batchSize, clips.shape[0] - start)).to(Lab.Device);  // (b, Tc, C, H, W)
                predictions.Add(predictor.Predict(batch, frames).clamp(0, 1).cpu());                             // (b, horizon, C, H, W)
            }
        var result = cat(predictions, 0);                                                    // (N, horizon, C, H, W)
        if (withContext) result = cat([clips, result], 1);                                   // (N, Tc + horizon, C, H, W)
        if (extension == ".npy") NpyTensor.Write(output, result);
        else if (extension == ".mp4") VideoWriter.WriteMp4(result, output, fps);
        else VideoWriter.WriteGif(result, output, fps);
        AnsiConsole.MarkupLineInterpolated($"Predicted {frames} frames for {clips.shape[0]} clip(s) of {clips.shape[1]} context frames with [bold]{source.Spec.Name}[/]: {VideoShape.Format(result.shape)} (N, T, C, H, W) → [blue]{output}[/].");
        return 0;
    }

    /// <summary>The context clips (N, Tc, C, H, W), float32 in [0, 1], checked against the model's channels and frame size.</summary>
    static Tensor ReadClips(string path, IPredictorConfig config, int? context)
    {
        Tensor clips;
        if (VideoProbe.Extensions.Contains(Path.GetExtension(path)))
        {
            var video = VideoProbe.Probe(path);
            int wanted = context ?? config.ContextFrames;
            if (video.Frames < wanted) throw new CliException($"{path} has {video.Frames} frames; {wanted} context frames were asked for (--context).");
            clips = VideoReader.ReadClip(video, new DecodeOptions(Frames: wanted, Height: config.Height, Width: config.Width,
                                                                  Grayscale: config.Channels == 1)).unsqueeze(0);  // (1, Tc, C, H, W)
        }
        else if (Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var array = NpyTensor.Read(path);
            if (array.dim() == 4) array = array.unsqueeze(0);                              // one clip (T, C, H, W) → (1, T, C, H, W)
            if (array.dim() != 5)
                throw new CliException($"{path} holds an array of shape {VideoShape.Format(array.shape)}; expected clips (N, T, C, H, W) or one clip (T, C, H, W).");
            clips = array.dtype switch
            {
                ScalarType.Byte => array.to_type(ScalarType.Float32).div_(255f),
                ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 => array.to_type(ScalarType.Float32),
                _ => throw new CliException($"{path} holds {array.dtype} values; expected float in [0, 1] (or uint8 0–255)."),
            };
            if (clips.NumberOfElements > 0 && (clips.min().item<float>() < 0 || clips.max().item<float>() > 1))
                throw new CliException($"{path} holds values in [{clips.min().item<float>()}, {clips.max().item<float>()}]; expected [0, 1]. Scale the frames first (e.g. x / 255).");
            if (context is int k)
            {
                if (k < 1 || k > clips.shape[1]) throw new CliException($"--context {k}: the clips have {clips.shape[1]} frames.");
                clips = clips.narrow(1, 0, k);
            }
        }
        else throw new CliException($"{path}: expected an .npy file or a video ({string.Join(", ", VideoProbe.Extensions)}).");
        VideoShape.Check(clips, $"predict input {path}", config.Channels, config.Height, config.Width);
        return clips;
    }
}
