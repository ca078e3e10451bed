using System.Diagnostics;
using System.Text.Json;
using Backpack.Streaming.SkyLines;

namespace Backpack.Web;

/// <summary>
/// A SkyLine the server shows under a name: its viewers, its WebRTC output (made when the first WebRTC viewer comes),
/// the last error it reported, and the figures of the last second.
/// </summary>
/// <remarks>Thread safe.</remarks>
internal sealed partial class LiveViewStream : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ViewerConnection> _viewers = [];
    private SkyLineStatistics _previous;
    private long _previousAt;
    private volatile string? _lastError;

    internal LiveViewStream(string name, SkyLine skyLine)
    {
        Name = name;
        SkyLine = skyLine;
        _previous = skyLine.Statistics;
        _previousAt = Stopwatch.GetTimestamp();
        skyLine.StateChanged += OnStateChanged;
    }

    internal string Name { get; }

    internal SkyLine SkyLine { get; }

    internal int ViewerCount
    {
        get
        {
            lock (_gate)
            {
                return _viewers.Count;
            }
        }
    }

    internal void AddViewer(ViewerConnection viewer)
    {
        lock (_gate)
        {
            _viewers.Add(viewer);
        }
    }

    internal void RemoveViewer(ViewerConnection viewer)
    {
        lock (_gate)
        {
            _viewers.Remove(viewer);
        }
    }

    internal ViewerConnection[] Viewers()
    {
        lock (_gate)
        {
            return [.. _viewers];
        }
    }

    /// <summary>Writes the figures since the last call (rates over the time between calls) and sends them to every viewer.</summary>
    internal void PublishFigures(IReadOnlyList<TachometerReading> tachometers)
    {
        var viewers = Viewers();
        if (viewers.Length == 0)
        {
            _previous = SkyLine.Statistics;
            _previousAt = Stopwatch.GetTimestamp();
            return;
        }
        var message = Figures(tachometers, viewers);
        foreach (var viewer in viewers)
        {
            viewer.OfferFigures(message);
        }
    }

    /// <summary>The figures message: the SkyLine's rates and counters, the tachometers, and every output's statistics.</summary>
    internal ReadOnlyMemory<byte> Figures(IReadOnlyList<TachometerReading> tachometers, ViewerConnection[] viewers)
    {
        var now = Stopwatch.GetTimestamp();
        var statistics = SkyLine.Statistics;
        var seconds = Math.Max(1e-3, Stopwatch.GetElapsedTime(_previousAt, now).TotalSeconds);
        var previous = _previous;
        _previous = statistics;
        _previousAt = now;
        return Messages.Write(writer =>
        {
            writer.WriteString("type", "stats");
            writer.WriteString("stream", Name);
            writer.WriteString("state", statistics.State.ToString());
            if (_lastError is { } error)
            {
                writer.WriteString("lastError", error);
            }
            else
            {
                writer.WriteNull("lastError");
            }
            writer.WriteNumber("fpsIn", Math.Round((statistics.FramesPut - previous.FramesPut) / seconds, 2));
            writer.WriteNumber("fpsOut", Math.Round((statistics.FramesEncoded - previous.FramesEncoded) / seconds, 2));
            writer.WriteNumber("framesPut", statistics.FramesPut);
            writer.WriteNumber("framesEncoded", statistics.FramesEncoded);
            writer.WriteNumber("framesDropped", statistics.FramesDropped);
            writer.WriteNumber("framesSkipped", statistics.FramesSkipped);
            writer.WriteNumber("framesRepeated", statistics.FramesRepeated);
            writer.WriteNumber("queuedFrames", statistics.QueuedFrames);
            writer.WriteNumber("viewers", viewers.Length);
            writer.WriteNumber("viewersWebRtc", viewers.Count(viewer => viewer.Transport == "webrtc"));
            writer.WriteNumber("viewersWs", viewers.Count(viewer => viewer.Transport == "ws"));
            writer.WriteStartArray("tachometers");
            foreach (var reading in tachometers)
            {
                writer.WriteStartObject();
                writer.WriteString("name", reading.Name);
                writer.WriteNumber("count", reading.Count);
                writer.WriteNumber("meanMs", reading.Count == 0 ? 0 : Math.Round(reading.SumSeconds * 1000 / reading.Count, 3));
                writer.WriteNumber("maxMs", Math.Round(reading.MaxSeconds * 1000, 3));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("outputs");
            foreach (var output in SkyLine.Outputs)
            {
                var figures = output.Statistics;
                writer.WriteStartObject();
                writer.WriteString("name", figures.Name);
                writer.WriteString("kind", figures.Kind);
                writer.WriteString("state", figures.State.ToString());
                writer.WriteNumber("framesWritten", figures.FramesWritten);
                writer.WriteNumber("framesDropped", figures.FramesDropped);
                writer.WriteNumber("framesQueued", figures.FramesQueued);
                writer.WriteNumber("bytesQueued", figures.BytesQueued);
                writer.WriteNumber("failures", figures.Failures);
                if (figures.LastError is { } outputError)
                {
                    writer.WriteString("lastError", outputError);
                }
                writer.WriteStartObject("extras");
                foreach (var (name, value) in figures.Extras)
                {
                    writer.WriteNumber(name, value);
                }
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        });
    }

    /// <summary>The stream in the list of <c>/api/streams</c>.</summary>
    internal void WriteSummary(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteString("state", SkyLine.State.ToString());
        if (SkyLine.Format is { } format)
        {
            writer.WriteNumber("width", format.Width);
            writer.WriteNumber("height", format.Height);
            writer.WriteNumber("fps", format.FrameRate);
        }
        var viewers = Viewers();
        writer.WriteNumber("viewers", viewers.Length);
        writer.WriteNumber("viewersWebRtc", viewers.Count(viewer => viewer.Transport == "webrtc"));
        writer.WriteNumber("viewersWs", viewers.Count(viewer => viewer.Transport == "ws"));
        if (_lastError is { } error)
        {
            writer.WriteString("lastError", error);
        }
        writer.WriteEndObject();
    }

    /// <summary>Closes every viewer and detaches what the stream attached to the SkyLine (the SkyLine itself stays the app's).</summary>
    public void Dispose()
    {
        SkyLine.StateChanged -= OnStateChanged;
        foreach (var viewer in Viewers())
        {
            viewer.Close("the stream was removed");
        }
        DisposeWebRtc();
    }

    private void OnStateChanged(object? sender, SkyLineStateChangedEventArgs e)
    {
        if (e.Current == SkyLineState.Error)
        {
            _lastError = e.Reason ?? "error";
        }
    }
}
