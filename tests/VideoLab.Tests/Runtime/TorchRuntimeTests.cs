using TorchSharp;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void A_conv_net_runs_forward_and_backward_on_the_cpu()
    {
        using var scope = NewDisposeScope();
        Lab.Seed(1);
        var net = nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1), nn.ReLU(), nn.Conv2d(8, 3, 3, padding: 1));
        var x = rand(2, 3, 16, 16);
        var loss = nn.functional.mse_loss(net.call(x), x);
        loss.backward();

        Assert.True(double.IsFinite(loss.item<float>()));
        foreach (var (name, p) in net.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"no gradient reached {name}");
        }
    }

    [Fact]
    public void The_report_names_the_device_and_the_libtorch_version()
    {
        var report = Lab.Report();
        Assert.Equal(Lab.Device.ToString(), report.Device);
        Assert.StartsWith("2.", report.LibTorchVersion);
        Assert.True(report.Threads >= 1);
        Assert.Contains("LibTorch", report.ToString());
    }

    [Fact]
    public void Asking_for_cuda_without_a_gpu_fails_with_a_message_that_says_what_to_do()
    {
        if (cuda.is_available()) return; // the claim is about machines without CUDA
        var e = Assert.Throws<TorchRuntimeException>(() => Lab.ChooseDevice("cuda"));
        Assert.Contains("no CUDA device", e.Message);
        Assert.Equal(DeviceType.CPU, Lab.ChooseDevice("cpu").type);
    }

    [Theory]
    [InlineData("1", true), InlineData("true", true), InlineData("YES", true)]
    [InlineData(null, false), InlineData("", false), InlineData("0", false), InlineData("no", false)]
    public void Quick_mode_reads_the_usual_spellings(string? value, bool expected) =>
        Assert.Equal(expected, Lab.IsOn(value));

    [Theory]
    [InlineData("ci", LabMode.Ci), InlineData(" CPU ", LabMode.Cpu), InlineData("Gpu", LabMode.Gpu), InlineData("", null), InlineData(null, null)]
    public void The_mode_reads_ci_cpu_and_gpu(string? value, LabMode? expected) =>
        Assert.Equal(expected, Lab.ParseMode(value));

    [Fact]
    public void An_unknown_mode_is_an_error_that_names_the_choices()
    {
        var e = Assert.Throws<ArgumentException>(() => Lab.ParseMode("fast", Lab.ModeVariable));
        Assert.Contains("VIDEOLAB_MODE is 'fast'; expected ci, cpu or gpu", e.Message);
        Assert.Equal(cuda.is_available() ? LabMode.Gpu : LabMode.Cpu,
                     Environment.GetEnvironmentVariable(Lab.ModeVariable) is null && Environment.GetEnvironmentVariable(Lab.QuickVariable) is null
                         ? Lab.DefaultMode : cuda.is_available() ? LabMode.Gpu : LabMode.Cpu);  // without a variable: cpu unless CUDA is visible
    }
}
