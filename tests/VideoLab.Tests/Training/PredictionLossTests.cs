using System.Globalization;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Tests.Data;
using VideoLab.Tests.References;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Training;

/// <summary>
/// What the prediction loss covers (OpenSTL: every next-frame output of recurrent models, the future for SimVP/TAU)
/// and TAU's differential divergence term, checked against OpenSTL's formula run in PyTorch.
/// </summary>
public class PredictionLossTests
{
    static nn.Module Tiny(string name)
    {
        var entry = ModelRegistry.Get(name);
        torch.manual_seed(3);
        return entry.Build(ModelRegistry.FitToData(entry.TinyConfig, 1, 16, 16, 4, 4));
    }

    static Tensor Clips() => rand([2, 8, 1, 16, 16], generator: new Generator(1));  // (B, T, C, H, W)

    [Theory]
    [InlineData("convlstm")]
    [InlineData("convgru")]
    [InlineData("predrnn")]
    [InlineData("framelstm")]
    [InlineData("transformer")]
    public void Stepwise_models_return_every_next_frame_output_ending_with_the_prediction(string name)
    {
        using var scope = NewDisposeScope();
        var model = Tiny(name);
        model.eval();
        using var noGrad = no_grad();
        var clips = Clips();
        var context = clips.narrow(1, 0, 4);
        var stepwise = Assert.IsAssignableFrom<INextFramePredictor>(model);
        var all = stepwise.NextFrames(context, 4);
        Assert.Equal(new long[] { 2, 7, 1, 16, 16 }, all.shape);                       // Tc − 1 + horizon outputs
        Assert.True(all.narrow(1, 3, 4).allclose(stepwise.Predict(context, 4), atol: 1e-6));
        // Under full teacher forcing the transformer runs one parallel pass; its outputs must be the same rollout's.
        var forced = stepwise.NextFrames(context, 4, new TeacherForcing(clips.narrow(1, 4, 4), 1.0));
        var byHand = stepwise.NextFrames(clips.narrow(1, 0, 7), 1);                      // reading the true frames one by one
        Assert.True(forced.allclose(byHand, atol: 1e-5), $"{name}: teacher-forced outputs differ from reading the true frames");
    }

    [Fact]
    public void The_loss_covers_all_next_frames_by_default_and_only_the_future_as_an_option()
    {
        using var scope = NewDisposeScope();
        var batch = Clips();
        foreach (var (loss, expectAll) in new[] { (PredictionLoss.AllNextFrames, true), (PredictionLoss.Future, false) })
        {
            var model = (ConvLstm)Tiny("convlstm");
            var method = new PredictionMethod(model, new MethodSettings(), new PredictionSettings(4, 4, ScheduledSampling.None, loss));
            double expected;
            using (no_grad())
                expected = expectAll
                    ? nn.functional.mse_loss(model.NextFrames(batch.narrow(1, 0, 4), 4), batch.narrow(1, 1, 7)).item<float>()
                    : nn.functional.mse_loss(model.Predict(batch.narrow(1, 0, 4), 4), batch.narrow(1, 4, 4)).item<float>();
            var reported = method.TrainStep(batch, new StepContext(0, 0, 10, null))["loss"];
            Assert.Equal(expected, reported, 6);
        }
        // SimVP has no per-frame outputs: its loss is over the predicted frames whatever the setting.
        var simvp = (SimVp)Tiny("simvp");
        double future;
        using (no_grad()) future = nn.functional.mse_loss(simvp.Predict(batch.narrow(1, 0, 4), 4), batch.narrow(1, 4, 4)).item<float>();
        var values = new PredictionMethod(simvp, new MethodSettings(), new PredictionSettings(4, 4)).TrainStep(batch, new StepContext(0, 0, 10, null));
        Assert.Equal(future, values["loss"], 6);
        Assert.False(values.ContainsKey("divergence"));
        Assert.Equal(PredictionLoss.Future, PredictionSettings.FromOptions(new MethodSettings(Options: new Dictionary<string, string> { ["loss"] = "future" })).Loss);
        Assert.Contains("loss=all", Assert.Throws<ArgumentException>(() =>
            PredictionSettings.FromOptions(new MethodSettings(Options: new Dictionary<string, string> { ["loss"] = "last" }))).Message);
    }

    [Fact]
    public void Tau_adds_the_differential_divergence_with_OpenSTLs_weight()
    {
        using var scope = NewDisposeScope();
        var batch = Clips();
        var tau = (SimVp)Tiny("tau");
        var method = new PredictionMethod(tau, new MethodSettings(), new PredictionSettings(4, 4));
        Assert.Equal(0.1, method.DivergenceWeight);
        double mse, divergence;
        using (no_grad())
        {
            var prediction = tau.Predict(batch.narrow(1, 0, 4), 4);
            mse = nn.functional.mse_loss(prediction, batch.narrow(1, 4, 4)).item<float>();
            divergence = DifferentialDivergence.Loss(prediction, batch.narrow(1, 4, 4)).item<float>();
        }
        Assert.True(divergence > 0);
        var values = method.TrainStep(batch, new StepContext(0, 0, 10, null));
        Assert.Equal(mse, values["mse_loss"], 6);
        Assert.Equal(divergence, values["divergence"], 6);
        Assert.Equal(mse + 0.1 * divergence, values["loss"], 6);
        var off = new PredictionMethod(Tiny("tau"), new MethodSettings(Options: new Dictionary<string, string> { ["divergence-weight"] = "0" }));
        Assert.Equal(0, off.DivergenceWeight);
    }

    [Fact]
    public void The_mse_plus_l1_criterion_adds_the_mean_absolute_error_and_logs_both_parts()
    {
        using var scope = NewDisposeScope();
        var batch = Clips();
        var model = (ConvLstm)Tiny("convlstm");
        double mse, l1;
        using (no_grad())
        {
            var outputs = model.NextFrames(batch.narrow(1, 0, 4), 4);                   // every next-frame output, no teacher forcing
            mse = nn.functional.mse_loss(outputs, batch.narrow(1, 1, 7)).item<float>();
            l1 = (outputs - batch.narrow(1, 1, 7)).abs().mean().item<float>();
        }
        var settings = new PredictionSettings(4, 4, ScheduledSampling.None, Criterion: PredictionCriterion.MseL1);
        var values = new PredictionMethod(model, new MethodSettings(), settings).TrainStep(batch, new StepContext(0, 0, 10, null));
        Assert.Equal(mse, values["mse_loss"], 6);
        Assert.Equal(l1, values["l1_loss"], 6);
        Assert.Equal(mse + l1, values["loss"], 6);
        Assert.True(l1 > mse, "on random clips in [0, 1] the absolute error exceeds the squared one, so the sum differs from MSE");

        PredictionCriterion Read(string value) =>
            PredictionSettings.FromOptions(new MethodSettings(Options: new Dictionary<string, string> { ["criterion"] = value })).Criterion;
        Assert.Equal(PredictionCriterion.MseL1, Read("mse+l1"));
        Assert.Equal(PredictionCriterion.Mse, PredictionSettings.FromOptions(new MethodSettings()).Criterion);
        Assert.Contains("criterion=mse+l1", Assert.Throws<ArgumentException>(() => Read("l2")).Message);
    }

    [Fact]
    public void The_differential_divergence_is_OpenSTLs_diff_div_reg_computed_by_PyTorch()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempFolder();
        var g = new Generator(9);
        var prediction = rand([2, 5, 3, 8, 12], generator: g);
        var truth = rand([2, 5, 3, 8, 12], generator: g);
        NpyTensor.Write(dir.File("pred.npy"), prediction);
        NpyTensor.Write(dir.File("true.npy"), truth);
        // OpenSTL methods/tau.py, diff_div_reg(pred_y, batch_y, tau=0.1, eps=1e-12), written from its definition.
        var reference = DebianPython.Run("""
            import sys, numpy as np, torch
            import torch.nn.functional as F
            p = torch.from_numpy(np.load(sys.argv[1])).double(); t = torch.from_numpy(np.load(sys.argv[2])).double()
            def reg(p, t, tau):
                b, n = p.shape[:2]
                if n <= 2: return 0.0
                gp = (p[:, 1:] - p[:, :-1]).reshape(b, n - 1, -1); gt = (t[:, 1:] - t[:, :-1]).reshape(b, n - 1, -1)
                sp = F.softmax(gp / tau, -1); st = F.softmax(gt / tau, -1)
                return float((sp * torch.log(sp / (st + 1e-12) + 1e-12)).mean())
            print(reg(p, t, 0.1)); print(reg(p, t, 0.5)); print(reg(p[:, :2], t[:, :2], 0.1))
            """, dir.File("pred.npy"), dir.File("true.npy")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var p64 = prediction.to(ScalarType.Float64);
        var t64 = truth.to(ScalarType.Float64);
        Assert.Equal(reference[0], DifferentialDivergence.Loss(p64, t64).item<double>(), 10);
        Assert.Equal(reference[1], DifferentialDivergence.Loss(p64, t64, 0.5).item<double>(), 10);
        Assert.Equal(reference[2], DifferentialDivergence.Loss(p64.narrow(1, 0, 2), t64.narrow(1, 0, 2)).item<double>(), 10);  // 0 for T ≤ 2
        Assert.True(reference[0] > 1e-3);
    }
}
