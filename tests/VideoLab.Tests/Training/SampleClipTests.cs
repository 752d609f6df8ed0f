using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Training;

public class SampleClipTests
{
    [Fact]
    public void A_strided_clip_is_written_and_read_back_unchanged()
    {
        var path = Path.Combine(Path.GetTempPath(), $"videolab-clip-{Guid.NewGuid():N}.pt");
        try
        {
            using var scope = NewDisposeScope();
            var clips = rand([2, 3, 4, 5, 1]).permute(0, 4, 2, 3, 1);  // (2, 1, 4, 5, 3) as a strided view, as VQ-VAE reconstructions are
            Assert.False(clips.is_contiguous());
            RunFiles.WriteClip(path, clips);
            var back = RunFiles.ReadClip(path);
            Assert.Equal(clips.shape, back.shape);
            Assert.True(back.eq(clips).all().item<bool>());
        }
        finally { File.Delete(path); }
    }
}
