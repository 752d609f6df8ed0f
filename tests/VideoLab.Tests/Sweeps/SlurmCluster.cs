using VideoLab.Sweeps;

namespace VideoLab.Tests.Sweeps;

/// <summary>
/// The Slurm the sweep test submits to: the machine's own (sinfo answers as configured), or the one-node cluster
/// tests/slurm/start runs under /var/tmp/videolab-slurm (then SLURM_CONF is set for this process and its children).
/// No cluster is a failure that says how to start one, never a skipped test.
/// </summary>
static class SlurmCluster
{
    public static string PrivateConfig => Path.Combine(Environment.GetEnvironmentVariable("VIDEOLAB_SLURM_DIR") ?? "/var/tmp/videolab-slurm", "slurm.conf");

    public static void Require()
    {
        string? firstError = null;
        if (SlurmCommands.Find("sinfo") is null)
            Assert.Fail("Slurm's client commands are not installed (no sinfo on PATH). Install Debian's slurm-wlm and munge " +
                        "(`bash tests/run` does it as root), then start a one-node cluster: `sudo bash tests/slurm/start`.");
        var answer = SlurmCommands.Run("sinfo", ["--noheader", "--format=%T"], timeoutSeconds: 20);
        if (answer.Ok && answer.Output.Trim().Length > 0) return;
        firstError = answer.Message;
        if (Environment.GetEnvironmentVariable("SLURM_CONF") is null && File.Exists(PrivateConfig))
        {
            Environment.SetEnvironmentVariable("SLURM_CONF", PrivateConfig);
            answer = SlurmCommands.Run("sinfo", ["--noheader", "--format=%T"], timeoutSeconds: 20);
            if (answer.Ok && answer.Output.Trim().Length > 0) return;
            Environment.SetEnvironmentVariable("SLURM_CONF", null);
        }
        Assert.Fail($"Slurm is not reachable (sinfo: {firstError}). Start a one-node cluster on this machine as root: " +
                    $"`sudo bash tests/slurm/start` (munged, slurmctld and slurmd on localhost; `bash tests/slurm/stop` stops them), " +
                    $"then run the tests again; `bash tests/run` does both when run as root. The cluster's config is {PrivateConfig}.");
    }
}
