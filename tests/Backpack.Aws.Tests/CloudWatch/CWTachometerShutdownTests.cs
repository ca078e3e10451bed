using Backpack.Aws.CloudWatch;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;

namespace Backpack.Aws.Tests.CloudWatch;

/// <summary>
/// How a CloudWatch tachometer stops: <see cref="CWTachometer.StopAsync"/> and <see cref="CWTachometer.DisposeAsync"/>
/// send what is queued within the flush timeout, <see cref="Tachometer.Dispose()"/> signals the stop and returns at once,
/// and none of them, in any order and from any thread, disturbs the frame loop's ticks.
/// </summary>
public sealed class CWTachometerShutdownTests : IAsyncLifetime, IDisposable
{
    private readonly ManualClock _clock = new();

    /// <summary>Released by the test: until then CloudWatch holds every PutMetricData call it receives.</summary>
    private readonly TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeAwsService _fake = null!;
    private CloudWatchClient _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default, _ =>
        {
            _answer.Task.Wait(TimeSpan.FromSeconds(30));
            return CloudWatchAnswers.Accepted();
        }, queryProtocol: true);
        _client = new CloudWatchClient(new AwsClientOptions
        {
            Region = "us-east-1", EndpointUrl = _fake.Url, Credentials = TestCredentials.Static, MaxAttempts = 1, Timeout = TimeSpan.FromSeconds(60),
        });
    }

    public async Task DisposeAsync()
    {
        _answer.TrySetResult();
        await _fake.DisposeAsync();
    }

    public void Dispose() => _client.Dispose();

    private CWTachometer Create(TimeSpan? flushTimeout = null) =>
        new("MyPanoramaMetrics", "frame_processing_time", null, _client, TimeSpan.FromSeconds(1), timeProvider: _clock)
        {
            FlushTimeout = flushTimeout ?? TimeSpan.FromMinutes(1),
        };

    /// <summary>Closes <paramref name="windows"/> one-second report windows of one interval each.</summary>
    private void CloseWindows(CWTachometer tachometer, int windows)
    {
        tachometer.Tick();
        for (var i = 0; i < windows; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            tachometer.Tick().Should().BeTrue("each tick a second later closes a window");
        }
    }

    [Fact]
    public async Task Dispose_returns_at_once_while_a_report_is_in_flight_and_the_report_is_still_sent()
    {
        var tachometer = Create();
        CloseWindows(tachometer, 2);
        await PanoramaClientTests.WaitUntil(() => _fake.Requests.Count == 1);

        // CloudWatch holds the first report; a Dispose that waited for the flush would block here for the flush timeout.
        await Task.Run(tachometer.Dispose).WaitAsync(TimeSpan.FromSeconds(10));

        _answer.SetResult();
        await PanoramaClientTests.WaitUntil(() => tachometer.ReportsSent == 2);
        _fake.Requests.Should().HaveCount(2, "the report queued before Dispose is flushed in the background");
    }

    [Fact]
    public async Task StopAsync_sends_every_report_queued_before_it_and_then_stops()
    {
        var tachometer = Create();
        CloseWindows(tachometer, 3);
        await PanoramaClientTests.WaitUntil(() => _fake.Requests.Count == 1);

        var stop = tachometer.StopAsync();
        await Task.Delay(50);
        stop.IsCompleted.Should().BeFalse("one report is in flight and two wait behind it");
        _answer.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        tachometer.ReportsSent.Should().Be(3);
        _fake.Requests.Should().HaveCount(3);
        CloseWindows(tachometer, 1);
        tachometer.ReportsDropped.Should().Be(1, "a window closed after the stop is counted, not sent");
        _fake.Requests.Should().HaveCount(3);
        tachometer.Dispose();
    }

    [Fact]
    public async Task DisposeAsync_waits_for_the_queued_reports()
    {
        var tachometer = Create();
        CloseWindows(tachometer, 2);
        await PanoramaClientTests.WaitUntil(() => _fake.Requests.Count == 1);

        var disposing = tachometer.DisposeAsync().AsTask();
        _answer.SetResult();
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));

        tachometer.ReportsSent.Should().Be(2);
    }

    [Fact]
    public async Task A_flush_longer_than_the_flush_timeout_gives_up_the_queue_and_stops()
    {
        var tachometer = Create(flushTimeout: TimeSpan.FromSeconds(5));
        CloseWindows(tachometer, 3);
        await PanoramaClientTests.WaitUntil(() => _fake.Requests.Count == 1);

        var stop = tachometer.StopAsync();
        await _clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(5));
        _clock.Advance(TimeSpan.FromSeconds(5));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        tachometer.ReportsSent.Should().Be(0, "CloudWatch never answered within the flush timeout");
        _fake.Requests.Should().ContainSingle("the queued reports were given up");
    }

    [Fact]
    public async Task Cancelling_StopAsync_gives_up_the_queue_at_once()
    {
        var tachometer = Create();
        CloseWindows(tachometer, 3);
        await PanoramaClientTests.WaitUntil(() => _fake.Requests.Count == 1);
        using var cancellation = new CancellationTokenSource();

        var stop = tachometer.StopAsync(cancellation.Token);
        await cancellation.CancelAsync();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        tachometer.ReportsSent.Should().Be(0);
        stop.IsCompletedSuccessfully.Should().BeTrue("cutting the flush short is not an error of the stop");
        await tachometer.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Ticking_from_several_threads_while_others_stop_and_dispose_never_throws()
    {
        _answer.SetResult();
        for (var round = 0; round < 20; round++)
        {
            var tachometer = Create(flushTimeout: TimeSpan.FromSeconds(5));
            using var start = new Barrier(7);
            var tickers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < 200; i++)
                {
                    tachometer.Tick();
                    _clock.Advance(TimeSpan.FromMilliseconds(50));
                }
            })).ToList();
            var stoppers = new List<Task>
            {
                Task.Run(() => { start.SignalAndWait(); tachometer.Dispose(); }),
                Task.Run(async () => { start.SignalAndWait(); await tachometer.DisposeAsync(); }),
                Task.Run(async () => { start.SignalAndWait(); await tachometer.StopAsync(); }),
            };

            await Task.WhenAll(tickers.Concat(stoppers)).WaitAsync(TimeSpan.FromSeconds(20));

            tachometer.Dispose();
            await tachometer.DisposeAsync();
            tachometer.Tick();
        }
    }
}
