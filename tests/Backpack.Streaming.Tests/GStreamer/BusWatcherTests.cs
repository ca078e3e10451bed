using System.Collections.Concurrent;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed class BusWatcherTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void An_element_error_reaches_the_handler_on_the_library_thread_with_its_source_text_and_debug_details()
    {
        using var pipeline = Pipeline.Parse("videotestsrc ! identity name=failing error-after=3 ! fakesink");
        var errors = new BlockingCollection<(string Source, string Text, string? Debug, int Thread)>();
        using var watcher = new BusWatcher(pipeline, Gst.MessageType.Error, message =>
        {
            var (text, debug) = message.ParseProblem();
            errors.Add((message.SourceName, text, debug, Environment.CurrentManagedThreadId));
        }, "bus-test", NullLogger.Instance);

        pipeline.ChangeState(Gst.State.Playing, Wait);

        errors.TryTake(out var error, Wait).Should().BeTrue();
        error.Source.Should().Be("failing");
        error.Text.Should().NotBeNullOrEmpty();
        error.Debug.Should().Contain("identity");
        error.Thread.Should().Be(watcher.ThreadId).And.NotBe(Environment.CurrentManagedThreadId);
    }

    [Fact]
    public void End_of_stream_and_state_changes_of_the_pipeline_are_delivered_in_order()
    {
        using var pipeline = Pipeline.Parse("videotestsrc num-buffers=2 ! fakesink");
        var pipelineName = pipeline.Name;
        var seen = new BlockingCollection<string>();
        using var watcher = new BusWatcher(pipeline, Gst.MessageType.Eos | Gst.MessageType.StateChanged, message =>
        {
            if (message.Type == Gst.MessageType.Eos)
            {
                seen.Add("eos");
            }
            else if (message.SourceName == pipelineName)
            {
                seen.Add(message.ParseStateChanged().New.ToString());
            }
        }, "bus-test", NullLogger.Instance);

        pipeline.ChangeState(Gst.State.Playing, Wait);

        var received = new List<string>();
        while (!received.Contains("eos") && seen.TryTake(out var item, Wait))
        {
            received.Add(item);
        }
        received.Should().ContainInOrder("Ready", "Paused", "Playing", "eos");
    }

    [Fact]
    public void A_failing_handler_is_logged_and_the_watch_goes_on()
    {
        using var pipeline = Pipeline.Parse("videotestsrc num-buffers=1 ! fakesink");
        var logger = new CapturingLogger();
        using var eos = new ManualResetEventSlim();
        var calls = 0;
        using var watcher = new BusWatcher(pipeline, Gst.MessageType.StateChanged | Gst.MessageType.Eos, message =>
        {
            if (message.Type == Gst.MessageType.Eos)
            {
                eos.Set();
            }
            else if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("handler broke");
            }
        }, "bus-test", logger.CreateLogger("test"));

        pipeline.ChangeState(Gst.State.Playing, Wait);

        eos.Wait(Wait).Should().BeTrue();
        logger.Entries.Should().Contain(entry => entry.Exception is InvalidOperationException);
    }

    [Fact]
    public void Disposing_ends_the_thread_and_is_idempotent()
    {
        using var pipeline = Pipeline.Parse("videotestsrc ! fakesink");
        var watcher = new BusWatcher(pipeline, Gst.MessageType.Error, _ => { }, "bus-test", NullLogger.Instance);
        watcher.IsRunning.Should().BeTrue();

        watcher.Dispose();
        watcher.Dispose();

        watcher.IsRunning.Should().BeFalse();
    }
}
