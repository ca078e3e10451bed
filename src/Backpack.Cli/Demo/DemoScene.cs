using System.Globalization;
using Backpack.Annotation;
using Backpack.Geometry;
using Backpack.Imaging;
using Microsoft.Extensions.Logging;

namespace Backpack.Cli.Demo;

/// <summary>
/// One frame after another of the demo's video-analytics loop without a camera: the simulated street
/// (<see cref="DemoWorld"/>) is advanced, "detected", counted at a line and watched in a zone, then painted
/// on a textured background and annotated with the annotation module — boxes with class, score and track
/// id in per-id colours, the zone lit up while occupied, the counting line with its in/out counts, a live
/// timestamp and the loop's frame rate and processing time.
/// </summary>
/// <remarks>
/// Made for a 30 fps loop that leaves the CPU to the encoder: the background is painted once and copied,
/// label strings are cached, and the only allocations per frame are the bounding-box records (a few
/// hundred bytes). Not thread safe: one loop drives it.
/// </remarks>
internal sealed class DemoScene : IDisposable
{
    private const int IdLabelSlots = 256;
    private static readonly Point CountLabelPoint = new(0.41, StreetLayout.BuildingsBottom - 0.005);
    private static readonly Point StatusLabelPoint = new(0.98, 0.04);
    private static readonly Color ZoneFree = HtmlColors.Lime;
    private static readonly Color ZoneBusy = new(255, 80, 40);

    private readonly BgrFrame _background;
    private readonly RasterAnnotationDriver _driver;
    private readonly List<Detection> _detections = new(32);
    private readonly List<Annotation.Annotation> _annotations = new(64);
    private readonly string[][] _scoreLabels;
    private readonly (int Id, string Label)[] _idLabels = new (int, string)[IdLabelSlots];
    private readonly PolyLineAnnotation _zoneFree;
    private readonly PolyLineAnnotation _zoneBusy;
    private readonly LineAnnotation _countingLine;
    private readonly TimestampAnnotation _timestamp = new();
    private LabelAnnotation _countLabel;
    private LabelAnnotation _zoneLabel;
    private LabelAnnotation _statusLabel;
    private (int In, int Out) _shownCounts;
    private int _shownOccupancy;

    /// <summary>Creates the scene: paints the background and places the zone and the counting line.</summary>
    /// <param name="width">Frame width in pixels, 16 or more.</param>
    /// <param name="height">Frame height in pixels, 16 or more.</param>
    /// <param name="framesPerSecond">The loop's frame rate: each <see cref="Advance"/> moves the world by 1/fps seconds.</param>
    /// <param name="seed">Seed of the world's random choices.</param>
    /// <param name="timeProvider">The clock of the timestamp.</param>
    /// <param name="loggerFactory">Where the annotation driver logs.</param>
    internal DemoScene(int width, int height, double framesPerSecond, int seed = 1, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        if (!(framesPerSecond >= 1 && framesPerSecond <= 240))
        {
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "Expected a frame rate from 1 to 240.");
        }
        Width = width;
        Height = height;
        FrameInterval = 1 / framesPerSecond;
        World = new DemoWorld(seed);
        Counter = new CountingLine(StreetLayout.CountingLine);
        Zone = new ZoneMonitor(StreetLayout.Zone);
        _background = SceneBackground.Create(width, height, seed + 6);
        _driver = new RasterAnnotationDriver(new RasterAnnotationOptions { LabelBackground = true }, timeProvider, loggerFactory);
        _scoreLabels = Enum.GetValues<ObjectClass>()
            .Select(objectClass => Enumerable.Range(0, 101)
                .Select(percent => string.Create(CultureInfo.InvariantCulture, $"{ClassName(objectClass)} {percent / 100.0:0.00}"))
                .ToArray())
            .ToArray();
        _zoneFree = new PolyLineAnnotation(Zone.Zone, thickness: 2, color: ZoneFree, fillColor: ZoneFree.WithAlpha(0.12));
        _zoneBusy = new PolyLineAnnotation(Zone.Zone, thickness: 3, color: ZoneBusy, fillColor: ZoneBusy.WithAlpha(0.35));
        _countingLine = new LineAnnotation(Counter.Line, HtmlColors.Yellow, thickness: 3);
        _countLabel = CountLabel(0, 0);
        _zoneLabel = ZoneLabel(0);
        _statusLabel = StatusLabel(string.Empty);
    }

    /// <summary>Frame width in pixels.</summary>
    internal int Width { get; }

    /// <summary>Frame height in pixels.</summary>
    internal int Height { get; }

    /// <summary>Simulated seconds per frame.</summary>
    internal double FrameInterval { get; }

    /// <summary>The simulated street.</summary>
    internal DemoWorld World { get; }

    /// <summary>The counting line and its counts.</summary>
    internal CountingLine Counter { get; }

    /// <summary>The monitored zone and its occupancy.</summary>
    internal ZoneMonitor Zone { get; }

    /// <summary>The detections of the current frame.</summary>
    internal IReadOnlyList<Detection> Detections => _detections;

    /// <summary>The annotations of the last rendered frame.</summary>
    internal IReadOnlyList<Annotation.Annotation> Annotations => _annotations;

    /// <summary>The label text of a class, as a detector would name it.</summary>
    internal static string ClassName(ObjectClass objectClass) => objectClass switch
    {
        ObjectClass.Person => "person",
        ObjectClass.Car => "car",
        ObjectClass.Bicycle => "bicycle",
        ObjectClass.Truck => "truck",
        _ => throw new ArgumentOutOfRangeException(nameof(objectClass), objectClass, "Not an object class of the demo."),
    };

    /// <summary>Moves the world by one frame interval, detects, counts line crossings and zone occupancy.</summary>
    internal void Advance()
    {
        World.Step(FrameInterval);
        World.Detect(_detections);
        Counter.Update(_detections);
        Zone.Update(_detections);
    }

    /// <summary>Paints the current state on <paramref name="frame"/> (the scene's size) and annotates it.</summary>
    /// <exception cref="ArgumentException">The frame is not of the scene's size.</exception>
    internal void Render(BgrFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Width || frame.Height != Height)
        {
            throw new ArgumentException($"The frame is {frame.Width}x{frame.Height}; the scene is {Width}x{Height}.", nameof(frame));
        }
        _background.CopyTo(frame);
        ScenePainter.Paint(frame, World.Objects);
        BuildAnnotations();
        _driver.Render(_annotations, frame);
    }

    /// <summary>Shows the loop's frame rate and processing time in the top right corner from the next frame on.</summary>
    internal void SetLoopStatistics(double framesPerSecond, TimeSpan processing) =>
        _statusLabel = StatusLabel(string.Create(
            CultureInfo.InvariantCulture, $"{framesPerSecond:0.0} fps  {processing.TotalMilliseconds:0.0} ms/frame"));

    /// <summary>The text of the live statistics label.</summary>
    internal string StatusText => _statusLabel.Text;

    /// <inheritdoc/>
    public void Dispose() => _background.Dispose();

    private void BuildAnnotations()
    {
        _annotations.Clear();
        _annotations.Add(Zone.IsOccupied ? _zoneBusy : _zoneFree);
        _annotations.Add(_countingLine);
        foreach (var detection in _detections)
        {
            var percent = (int)Math.Round(detection.Score * 100);
            _annotations.Add(new BoundingBoxAnnotation(
                detection.Box,
                _scoreLabels[(int)detection.Class][Math.Clamp(percent, 0, 100)],
                IdLabel(detection.TrackId),
                Color.FromId(detection.TrackId)));
        }
        if ((Counter.In, Counter.Out) != _shownCounts)
        {
            _countLabel = CountLabel(Counter.In, Counter.Out);
            _shownCounts = (Counter.In, Counter.Out);
        }
        if (Zone.Occupancy != _shownOccupancy)
        {
            _zoneLabel = ZoneLabel(Zone.Occupancy);
            _shownOccupancy = Zone.Occupancy;
        }
        _annotations.Add(_countLabel);
        _annotations.Add(_zoneLabel);
        _annotations.Add(_timestamp);
        if (_statusLabel.Text.Length > 0)
        {
            _annotations.Add(_statusLabel);
        }
    }

    private string IdLabel(int id)
    {
        ref var slot = ref _idLabels[id % IdLabelSlots];
        if (slot.Label is null || slot.Id != id)
        {
            slot = (id, string.Create(CultureInfo.InvariantCulture, $"id {id}"));
        }
        return slot.Label;
    }

    private static LabelAnnotation CountLabel(int countIn, int countOut) => new(
        CountLabelPoint, string.Create(CultureInfo.InvariantCulture, $"in {countIn}  out {countOut}"), HtmlColors.Yellow,
        HorizontalAnchor.Center, VerticalAnchor.Bottom, size: 1.2);

    private static LabelAnnotation ZoneLabel(int occupancy) => new(
        new Point((StreetLayout.CrosswalkLeft + StreetLayout.CrosswalkRight) / 2, StreetLayout.RoadTop - 0.005),
        occupancy == 0 ? "zone: clear" : string.Create(CultureInfo.InvariantCulture, $"zone: {occupancy} inside"),
        occupancy == 0 ? ZoneFree : ZoneBusy,
        HorizontalAnchor.Center, VerticalAnchor.Bottom);

    private static LabelAnnotation StatusLabel(string text) =>
        new(StatusLabelPoint, text, HtmlColors.White, HorizontalAnchor.Right, VerticalAnchor.Bottom);
}
