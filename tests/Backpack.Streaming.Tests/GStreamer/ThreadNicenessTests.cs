using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed class ThreadNicenessTests
{
    [Fact]
    public void Streaming_threads_of_a_pipeline_run_at_the_lower_priority_asked_for()
    {
        using var pipeline = Pipeline.Parse("videotestsrc name=nicesource is-live=true ! fakesink");
        ThreadNiceness.Apply(pipeline, 7);

        pipeline.SetState(Gst.State.Playing);
        pipeline.ChangeState(Gst.State.Playing, TimeSpan.FromSeconds(10)).Should().Be(Gst.StateChangeReturn.Success);

        var threads = Directory.EnumerateDirectories("/proc/self/task")
            .Select(ReadStat)
            .OfType<string>()
            .Select(stat => (Name: stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')], Nice: int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        // At least as low as asked: GLib may reuse a thread another pipeline of this process lowered already.
        threads.Should().Contain(thread => thread.Name.StartsWith("nicesource", StringComparison.Ordinal) && thread.Nice >= 7, string.Join(", ", threads));
        threads.Where(thread => thread.Name.StartsWith(".NET", StringComparison.Ordinal)).Should().OnlyContain(thread => thread.Nice == 0);
    }

    /// <summary>A thread's stat line, or null when the thread ended between the listing and the read (other tests run beside this one).</summary>
    private static string? ReadStat(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "stat"));
        }
        catch (Exception exception) when (exception is DirectoryNotFoundException or FileNotFoundException or IOException)
        {
            return null;
        }
    }
}
