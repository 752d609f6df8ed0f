using System.Runtime;
using VideoLab.Runtime;

namespace VideoLab.Tests.Runtime;

public class CollectionPauseTests
{
    [Fact]
    public void No_collection_runs_while_the_work_allocates_within_the_budget()
    {
        var (before, after) = CollectionPause.Run(() =>
        {
            int start = GC.CollectionCount(0);
            var keep = new List<byte[]>();
            for (int i = 0; i < 1_000; i++) keep.Add(new byte[4_096]);  // 4 MB, well inside the budget
            return (start, GC.CollectionCount(0));
        });
        Assert.Equal(before, after);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void The_region_ends_when_the_work_throws_and_nested_pauses_are_allowed()
    {
        Assert.Throws<InvalidOperationException>(() =>
            CollectionPause.Run<int>(() => CollectionPause.Run<int>(() => throw new InvalidOperationException("boom"))));
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.Equal(42, CollectionPause.Run(() => 42));
    }
}
