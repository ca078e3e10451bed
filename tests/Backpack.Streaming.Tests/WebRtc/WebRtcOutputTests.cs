using Backpack.Streaming.SkyLines;
using Backpack.Streaming.WebRtc;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.WebRtc;

/// <summary>The WebRTC output with real webrtcbin viewers: connect, decode, encode once, free what a closed peer held.</summary>
public sealed class WebRtcOutputTests
{
    private const int Width = 320;
    private const int Height = 240;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task A_peer_connects_and_decodes_frames_of_the_stream_size_that_keep_coming()
    {
        using var feed = new Feed();
        var logger = new CapturingLogger();
        using var output = new WebRtcOutput(new WebRtcOutputOptions { Name = "browser" }, logger);
        feed.SkyLine.Attach(output);
        output.NeedsFrames.Should().BeFalse("no viewer yet");
        using var peer = output.CreatePeer();
        output.NeedsFrames.Should().BeTrue();
        using var viewer = new TestViewer(peer);

        await viewer.NegotiateAsync();

        viewer.Offer.Should().Contain("m=video").And.Contain("a=sendonly").And.Contain("H264/90000").And.Contain("packetization-mode=1");
        WaitUntil(() => peer.State == WebRtcPeerState.Connected, "the peer connects");
        WaitUntil(() => viewer.FramesDecoded >= 10, "the viewer decodes frames");
        var decoded = viewer.FramesDecoded;
        WaitUntil(() => viewer.FramesDecoded >= decoded + 10, "decoded frames keep coming");
        viewer.Width.Should().Be(Width);
        viewer.Height.Should().Be(Height);
        var extras = output.Statistics.Extras.ToDictionary(pair => pair.Key, pair => pair.Value);
        extras["peers"].Should().Be(1);
        extras["peers.connected"].Should().Be(1);
        extras["elements"].Should().Be(output.ElementCount).And.BeGreaterThan(5);
        output.Statistics.Kind.Should().Be("webrtc");
    }

    [Fact]
    public async Task Eight_peers_leave_the_encoder_rate_unchanged_and_closing_them_frees_their_elements()
    {
        using var feed = new Feed();
        using var output = new WebRtcOutput();
        feed.SkyLine.Attach(output);
        using var first = output.CreatePeer();
        using var firstViewer = new TestViewer(first);
        await firstViewer.NegotiateAsync();
        WaitUntil(() => firstViewer.FramesDecoded > 5, "the first viewer decodes");
        var withOne = feed.EncodedPerPut(TimeSpan.FromSeconds(2));
        var elementsWithOne = output.ElementCount;

        var peers = Enumerable.Range(0, 7).Select(_ => output.CreatePeer()).ToList();
        var viewers = peers.Select(peer => new TestViewer(peer)).ToList();
        try
        {
            await Task.WhenAll(viewers.Select(viewer => viewer.NegotiateAsync()));
            WaitUntil(() => viewers.All(viewer => viewer.FramesDecoded > 5), "all eight viewers decode");
            var withEight = feed.EncodedPerPut(TimeSpan.FromSeconds(2));
            output.PeerCount.Should().Be(8);
            withEight.Should().BeApproximately(withOne, 0.1, "one encoder serves every viewer (encoded per put: {0:F3} with one, {1:F3} with eight)", withOne, withEight);
            output.ElementCount.Should().BeGreaterThan(elementsWithOne);
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                viewer.Dispose();
            }
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
        output.PeerCount.Should().Be(1);
        output.ElementCount.Should().Be(elementsWithOne, "a closed peer's elements are gone");
        peers.Should().OnlyContain(peer => peer.State == WebRtcPeerState.Closed);
        var decoded = firstViewer.FramesDecoded;
        WaitUntil(() => firstViewer.FramesDecoded > decoded + 5, "the remaining viewer goes on");
    }

    [Fact]
    public void Peers_disposed_before_connecting_free_their_elements_and_MaxPeers_refuses_the_next()
    {
        using var feed = new Feed(putFrames: false);
        using var output = new WebRtcOutput(new WebRtcOutputOptions { MaxPeers = 2 });
        var detached = () => output.CreatePeer();
        detached.Should().Throw<InvalidOperationException>().WithMessage("*not attached*");
        feed.SkyLine.Attach(output);
        using (output.CreatePeer())
        {
        }
        var before = output.ElementCount;
        before.Should().BeGreaterThan(0);

        var first = output.CreatePeer();
        var second = output.CreatePeer();
        var third = () => output.CreatePeer();
        third.Should().Throw<InvalidOperationException>().WithMessage("*too many peers (2 of 2)*");
        output.ElementCount.Should().BeGreaterThan(before);
        first.Dispose();
        second.Dispose();
        second.Dispose();

        output.ElementCount.Should().Be(before);
        output.PeerCount.Should().Be(0);
        output.NeedsFrames.Should().BeFalse();
        using var again = output.CreatePeer();
        output.Dispose();
        again.State.Should().Be(WebRtcPeerState.Closed);
        var disposed = () => output.CreatePeer();
        disposed.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public async Task An_answer_that_does_not_parse_or_is_an_offer_is_refused_with_ArgumentException()
    {
        using var feed = new Feed(putFrames: false);
        using var output = new WebRtcOutput();
        feed.SkyLine.Attach(output);
        using var peer = output.CreatePeer();
        var early = () => peer.SetRemoteAnswer("v=0");
        early.Should().Throw<InvalidOperationException>("no offer yet");
        var offer = await peer.CreateOfferAsync();

        var garbage = () => peer.SetRemoteAnswer("this is not SDP");
        garbage.Should().Throw<ArgumentException>();
        var itsOwnOffer = () => peer.SetRemoteAnswer(offer);
        itsOwnOffer.Should().Throw<ArgumentException>().WithMessage("*offer*");
        peer.State.Should().Be(WebRtcPeerState.New);
    }

    [Fact]
    public async Task A_throwing_StateChanged_handler_is_logged_and_the_peer_goes_on()
    {
        var logger = new CapturingLogger();
        using var feed = new Feed();
        using var output = new WebRtcOutput(null, logger);
        feed.SkyLine.Attach(output);
        using var peer = output.CreatePeer();
        var states = new List<WebRtcPeerState>();
        peer.StateChanged += (_, e) => throw new InvalidOperationException($"handler fails at {e.State}");
        peer.StateChanged += (_, e) =>
        {
            lock (states)
            {
                states.Add(e.State);
            }
        };
        using var viewer = new TestViewer(peer);

        await viewer.NegotiateAsync();

        WaitUntil(() => viewer.FramesDecoded > 5, "the viewer decodes though a handler throws");
        lock (states)
        {
            states.Should().Contain(WebRtcPeerState.Connected);
        }
        logger.Entries.Should().Contain(entry => entry.Level >= LogLevel.Warning && entry.Exception is InvalidOperationException);
    }

    [Fact]
    public void Options_are_validated_naming_the_property_and_TURN_passwords_never_show()
    {
        var options = new WebRtcOutputOptions { TurnServers = ["turn://user:s3cret@turn.example.com:3478"], StunServer = "stun://stun.example.com:3478" };
        options.ToString().Should().NotContain("s3cret").And.Contain("user:***@turn.example.com");
        using (var output = new WebRtcOutput(options))
        {
            output.ToString().Should().NotContain("s3cret");
        }
        Action bad = () => _ = new WebRtcOutput(new WebRtcOutputOptions { MaxPeers = 0 });
        bad.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("MaxPeers");
        bad = () => _ = new WebRtcOutput(new WebRtcOutputOptions { StunServer = "stun.example.com" });
        bad.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("StunServer");
        bad = () => _ = new WebRtcOutput(new WebRtcOutputOptions { TurnServers = ["turn://user:hidden@host"] });
        bad.Should().Throw<ArgumentException>().Which.Should().Match<ArgumentException>(e => e.ParamName == "TurnServers" && !e.Message.Contains("hidden"));
        bad = () => _ = new WebRtcOutput(new WebRtcOutputOptions { Name = " " });
        bad.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Name");
    }

    [Fact]
    public async Task Peers_created_and_disposed_from_several_threads_while_the_SkyLine_stops_and_starts_then_the_output_disposed_throw_nothing()
    {
        using var feed = new Feed();
        var output = new WebRtcOutput(new WebRtcOutputOptions { MaxPeers = 8 });
        feed.SkyLine.Attach(output);
        var before = NativeBoundaryFaults();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var workers = Enumerable.Range(0, 3).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                WebRtcPeer peer;
                try
                {
                    peer = output.CreatePeer();
                }
                catch (InvalidOperationException exception) when (exception.Message.Contains("too many", StringComparison.Ordinal))
                {
                    continue;
                }
                if (worker == 0)
                {
                    using var viewer = new TestViewer(peer);
                    await viewer.NegotiateAsync();
                    await Task.Delay(300);
                }
                else
                {
                    await peer.CreateOfferAsync();
                }
                peer.Dispose();
            }
        })).ToList();
        var restarts = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(700);
                feed.SkyLine.StopStreaming();
                feed.SkyLine.StartStreaming(30, Width, Height);
            }
        });

        await Task.WhenAll([.. workers, restarts]).WaitAsync(TimeSpan.FromSeconds(20));
        using var last = output.CreatePeer();
        _ = await last.CreateOfferAsync();
        output.Dispose();
        output.Dispose();

        last.State.Should().Be(WebRtcPeerState.Closed);
        output.PeerCount.Should().Be(0);
        NativeBoundaryFaults().Should().Be(before, "no callback failed");
    }

    private static long NativeBoundaryFaults() => Backpack.Streaming.GStreamer.NativeBoundary.Faults;

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, what);
            Thread.Sleep(20);
        }
    }

    /// <summary>A SkyLine fed 30 frames a second on a thread of its own.</summary>
    private sealed class Feed : IDisposable
    {
        private readonly Thread? _thread;
        private volatile bool _stopping;

        internal Feed(bool putFrames = true)
        {
            SkyLine = new SkyLine(new SkyLineOptions { Name = "webrtc-test", KeyFrameInterval = TimeSpan.FromSeconds(10) });
            SkyLine.StartStreaming(30, Width, Height);
            if (putFrames)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "test feed" };
                _thread.Start();
            }
        }

        internal SkyLine SkyLine { get; }

        /// <summary>Frames encoded per frame put over a time.</summary>
        internal double EncodedPerPut(TimeSpan over)
        {
            var put = SkyLine.Statistics.FramesPut;
            var encoded = SkyLine.Statistics.FramesEncoded;
            Thread.Sleep(over);
            return (SkyLine.Statistics.FramesEncoded - encoded) / (double)Math.Max(1, SkyLine.Statistics.FramesPut - put);
        }

        public void Dispose()
        {
            _stopping = true;
            _thread?.Join();
            SkyLine.Dispose();
        }

        private void Run()
        {
            var index = 0;
            while (!_stopping)
            {
                using var frame = TestFrames.Numbered(Width, Height, index++);
                SkyLine.Put(frame);
                Thread.Sleep(33);
            }
        }
    }
}
