using Backpack.Annotation;
using Backpack.Geometry;
using Backpack.Imaging;
using Microsoft.Extensions.Logging;

namespace Backpack.Tests.Annotation;

using Annotation = Backpack.Annotation.Annotation;

public sealed class RasterAnnotationDriverTests
{
    private static readonly Color Background = new(64, 64, 64);

    public static TheoryData<HorizontalAnchor, VerticalAnchor> Anchors()
    {
        var data = new TheoryData<HorizontalAnchor, VerticalAnchor>();
        foreach (var horizontal in Enum.GetValues<HorizontalAnchor>())
        {
            foreach (var vertical in Enum.GetValues<VerticalAnchor>())
            {
                data.Add(horizontal, vertical);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Anchors))]
    public void A_label_is_drawn_at_its_anchor(HorizontalAnchor horizontal, VerticalAnchor vertical)
    {
        using var frame = Render(160, 80, [
            new MarkerAnnotation(new Point(0.5, 0.5), MarkerStyle.Cross, HtmlColors.Red),
            new LabelAnnotation(new Point(0.5, 0.5), "Hg 0.5", HtmlColors.White, horizontal, vertical, size: 5),
        ]);

        GoldenImage.Check(frame, $"label-{horizontal}-{vertical}".ToLowerInvariant());
    }

    [Theory]
    [InlineData(HorizontalAnchor.Left, VerticalAnchor.Bottom)]
    [InlineData(HorizontalAnchor.Center, VerticalAnchor.Center)]
    public void Text_too_large_to_cache_is_drawn_directly_and_looks_the_same(HorizontalAnchor horizontal, VerticalAnchor vertical)
    {
        using var frame = BgrFrame.Create(160, 80);
        frame.Fill(Background.B, Background.G, Background.R);
        var driver = new RasterAnnotationDriver { MaxCachedGlyphBytes = 0 };

        driver.Render([
            new MarkerAnnotation(new Point(0.5, 0.5), MarkerStyle.Cross, HtmlColors.Red),
            new LabelAnnotation(new Point(0.5, 0.5), "Hg 0.5", HtmlColors.White, horizontal, vertical, size: 5),
        ], frame);

        driver.CachedGlyphCount.Should().Be(0);
        GoldenImage.Check(frame, $"label-{horizontal}-{vertical}".ToLowerInvariant());
    }

    [Fact]
    public void Glyphs_too_large_for_the_cache_are_not_kept()
    {
        var driver = new RasterAnnotationDriver();
        using var frame = BgrFrame.Create(400, 400);

        driver.Render([new LabelAnnotation(new Point(0.1, 0.9), "W", size: 40)], frame);
        driver.Render([new LabelAnnotation(new Point(0.1, 0.9), "W", size: 1)], frame);

        driver.CachedGlyphCount.Should().Be(1, "only the small W is cached; the large one would take about 147 KB");
        frame.GetRow(200).ToArray().Should().Contain(255, "the large W was drawn");
    }

    [Fact]
    public void The_glyph_cache_stays_within_its_limit_when_text_sizes_keep_changing()
    {
        var driver = new RasterAnnotationDriver { GlyphCacheLimit = 100_000 };
        using var frame = BgrFrame.Create(400, 400);

        for (var size = 1.0; size < 10; size += 0.25)
        {
            driver.Render([new LabelAnnotation(new Point(0.1, 0.9), "W@", size: size)], frame);
            driver.CachedGlyphBytes.Should().BeInRange(1, 100_000);
        }
    }

    [Fact]
    public void A_huge_label_on_a_very_high_frame_is_drawn_without_an_overflow()
    {
        // Font scale 8192 and strokes 8192 pixels thick: a cached "@" would need 90 115 x 90 114 pixels, more than an int counts.
        using var frame = BgrFrame.Create(64, 16384);
        var driver = new RasterAnnotationDriver(new RasterAnnotationOptions { UnitFontHeight = 200 });

        // Placed so that the first point of the "@", 9 units right of its left bearing and 2 above the baseline,
        // lands on the middle of the frame: the origin is 9 · 8192 pixels left and 7 · 8192 below it.
        driver.Render([new LabelAnnotation(new Point((32 - (9 * 8192)) / 64.0, (8192 + (7 * 8192)) / 16384.0), "@", HtmlColors.White, size: 100)], frame);

        frame.GetRow(8192).ToArray().Should().OnlyContain(b => b == 255, "the stroke, 8192 pixels thick, covers the middle of the frame");
        driver.CachedGlyphCount.Should().Be(0);
    }

    [Fact]
    public void The_box_behind_a_label_holds_its_tallest_glyphs()
    {
        using var frame = Render(160, 80, [new LabelAnnotation(new Point(0.1, 0.7), "(|ij$)~", HtmlColors.Yellow, size: 2)],
            new RasterAnnotationOptions { LabelBackground = true, AntiAliasing = false, UnitFontHeight = 80 });

        int top = int.MaxValue, bottom = -1, left = int.MaxValue, right = -1;
        ForEachPixel(frame, (x, y, pixel) =>
        {
            if (pixel is [0, 255, 255])
            {
                (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
            }
        });
        ForEachPixel(frame, (x, y, pixel) =>
        {
            if (pixel is not [64, 64, 64])
            {
                (x >= left && x <= right && y >= top && y <= bottom).Should().BeTrue($"({x}, {y}) is drawn, so it lies on the yellow box ({left}, {top})-({right}, {bottom})");
            }
        });
        (bottom - top).Should().BeGreaterThan(20, "the box spans brackets 14 font units high at scale 2");
    }

    // Reference boxes: the pixels Python Backpack's OpenCV driver draws for "Hg 0.5" at (0.5, 0.5), size 2, on
    // 400x200 (cv2.putText with the driver's anchor shifts; computed with Debian's python3-opencv 4.6).
    [Theory]
    [InlineData(HorizontalAnchor.Left, VerticalAnchor.Top, 204, 102, 253, 114)]
    [InlineData(HorizontalAnchor.Left, VerticalAnchor.Center, 204, 95, 253, 107)]
    [InlineData(HorizontalAnchor.Left, VerticalAnchor.Baseline, 204, 96, 253, 108)]
    [InlineData(HorizontalAnchor.Left, VerticalAnchor.Bottom, 202, 90, 251, 102)]
    [InlineData(HorizontalAnchor.Center, VerticalAnchor.Top, 175, 102, 224, 114)]
    [InlineData(HorizontalAnchor.Center, VerticalAnchor.Center, 175, 95, 224, 107)]
    [InlineData(HorizontalAnchor.Center, VerticalAnchor.Baseline, 175, 96, 224, 108)]
    [InlineData(HorizontalAnchor.Center, VerticalAnchor.Bottom, 175, 88, 224, 100)]
    [InlineData(HorizontalAnchor.Right, VerticalAnchor.Top, 146, 102, 195, 114)]
    [InlineData(HorizontalAnchor.Right, VerticalAnchor.Center, 146, 95, 195, 107)]
    [InlineData(HorizontalAnchor.Right, VerticalAnchor.Baseline, 146, 96, 195, 108)]
    [InlineData(HorizontalAnchor.Right, VerticalAnchor.Bottom, 146, 88, 195, 100)]
    public void Label_text_lands_where_the_original_OpenCV_driver_puts_it(
        HorizontalAnchor horizontal, VerticalAnchor vertical, int left, int top, int right, int bottom)
        => LandsWithin(("Hg 0.5", horizontal, vertical), (left, top, right, bottom));

    // Reference boxes for text beyond ASCII, computed as above: cv2.putText draws one '?' per UTF-8 byte of each
    // character it has no glyph for, so "ë" is "??", "☕" is "???" and "😀" (a surrogate pair in C#) is "????".
    [Theory]
    [InlineData("Zo\u00eb \u2615", HorizontalAnchor.Center, VerticalAnchor.Center, 165, 95, 234, 104)]
    [InlineData("Zo\u00eb \u2615", HorizontalAnchor.Right, VerticalAnchor.Baseline, 126, 96, 195, 105)]
    [InlineData("\U0001F600 1", HorizontalAnchor.Center, VerticalAnchor.Baseline, 175, 96, 222, 105)]
    [InlineData("\U0001F600 1", HorizontalAnchor.Right, VerticalAnchor.Center, 145, 95, 192, 104)]
    public void Text_beyond_ASCII_lands_where_OpenCV_puts_it(
        string text, HorizontalAnchor horizontal, VerticalAnchor vertical, int left, int top, int right, int bottom)
        => LandsWithin((text, horizontal, vertical), (left, top, right, bottom));

    /// <summary>
    /// Draws the label at (0.5, 0.5), size 2, on 400x200 without anti-aliasing and checks that its pixels span the box,
    /// within a pixel.
    /// </summary>
    private static void LandsWithin((string Text, HorizontalAnchor Horizontal, VerticalAnchor Vertical) label, (int Left, int Top, int Right, int Bottom) expected)
    {
        using var frame = BgrFrame.Create(400, 200);
        new RasterAnnotationDriver(new RasterAnnotationOptions { AntiAliasing = false })
            .Render([new LabelAnnotation(new Point(0.5, 0.5), label.Text, HtmlColors.White, label.Horizontal, label.Vertical, size: 2)], frame);

        var box = InkBox(frame);

        box.Left.Should().BeInRange(expected.Left - 1, expected.Left + 1);
        box.Top.Should().BeInRange(expected.Top - 1, expected.Top + 1);
        box.Right.Should().BeInRange(expected.Right - 1, expected.Right + 1);
        box.Bottom.Should().BeInRange(expected.Bottom - 1, expected.Bottom + 1);
    }

    [Theory]
    [InlineData("caf\u00e9", "caf??")]
    [InlineData("\u2615", "???")]
    [InlineData("\U0001F600", "????")]
    [InlineData("\u00df\u0416\u20ac", "???????")]
    [InlineData("tab\there", "tab?here")]
    public void A_character_without_a_glyph_is_drawn_and_measured_as_one_question_mark_per_UTF_8_byte(string text, string drawnAs)
    {
        // U+00DF, U+0416 and U+20AC take 2, 2 and 3 bytes: seven '?', as OpenCV draws the Cyrillic letter too.
        LooksLike(text, drawnAs);
    }

    [Fact]
    public void A_lone_surrogate_is_drawn_as_the_three_bytes_of_the_replacement_character_UTF_8_encodes_it_as()
    {
        // Built here rather than in InlineData, whose serialisation would replace the lone surrogates.
        LooksLike("a" + '\ud83d' + "b", "a???b");
        LooksLike("a" + '\udc00', "a???");
        LooksLike(string.Concat('\ud83d', '\ud83d', '\ude00'), "???????");
    }

    /// <summary>Asserts that <paramref name="text"/> renders exactly as <paramref name="drawnAs"/> at several anchors, background box included.</summary>
    private static void LooksLike(string text, string drawnAs)
    {
        foreach (var (horizontal, vertical) in new[] { (HorizontalAnchor.Center, VerticalAnchor.Center), (HorizontalAnchor.Right, VerticalAnchor.Baseline), (HorizontalAnchor.Left, VerticalAnchor.Top) })
        {
            var options = new RasterAnnotationOptions { LabelBackground = true, UnitFontHeight = 80 };
            using var actual = Render(160, 80, [new LabelAnnotation(new Point(0.5, 0.5), text, HtmlColors.Yellow, horizontal, vertical)], options);
            using var expected = Render(160, 80, [new LabelAnnotation(new Point(0.5, 0.5), drawnAs, HtmlColors.Yellow, horizontal, vertical)], options);

            actual.Pixels.SequenceEqual(expected.Pixels).Should().BeTrue($"\"{text}\" anchored {horizontal}, {vertical} looks exactly like \"{drawnAs}\", box included");
        }
    }

    public static TheoryData<string, Annotation[]> Shapes() => new()
    {
        { "rect", [new RectAnnotation(new Rectangle(0.1, 0.2, 0.9, 0.8), HtmlColors.Yellow)] },
        { "rect-transparent", [new RectAnnotation(new Rectangle(0.1, 0.2, 0.9, 0.8), HtmlColors.White.WithAlpha(0.5))] },
        { "line", [
            new LineAnnotation(new Line(new Point(0.05, 0.9), new Point(0.95, 0.1)), HtmlColors.Aqua, 1),
            new LineAnnotation(new Line(new Point(0.05, 0.1), new Point(0.95, 0.6)), HtmlColors.Yellow, 6),
        ] },
        { "markers", Enum.GetValues<MarkerStyle>().Select((style, i) =>
            (Annotation)new MarkerAnnotation(new Point(0.07 + (i * 0.14), 0.5), style, HtmlColors.Lime)).ToArray() },
        { "polyline-open", [new PolyLineAnnotation(new PolyLine([new(0.1, 0.8), new(0.3, 0.2), new(0.6, 0.7), new(0.9, 0.3)], closed: false), 3, HtmlColors.Fuchsia)] },
        { "polygon-convex", [new PolyLineAnnotation(new PolyLine([new(0.5, 0.1), new(0.8, 0.5), new(0.5, 0.9), new(0.2, 0.5)]), 2, HtmlColors.Lime, HtmlColors.Lime.WithAlpha(0.4))] },
        { "polygon-concave", [new PolyLineAnnotation(new PolyLine([new(0.1, 0.1), new(0.9, 0.5), new(0.1, 0.9), new(0.4, 0.5)]), 1, HtmlColors.White, HtmlColors.Red)] },
        { "timestamp", [new TimestampAnnotation(new DateTime(2026, 11, 21, 12, 34, 56), new Point(0.02, 0.3))] },
        { "bounding-box", [new BoundingBoxAnnotation(new Rectangle(0.2, 0.3, 0.7, 0.7), "car 0.87", "id 12", Color.FromId(12))] },
        { "clipped", [
            new LineAnnotation(new Line(new Point(-0.5, -0.5), new Point(1.5, 1.5)), HtmlColors.Yellow, 4),
            new RectAnnotation(new Rectangle(-0.2, 0.5, 0.5, 1.3), HtmlColors.Aqua),
            new PolyLineAnnotation(new PolyLine([new(0.7, -0.3), new(1.4, 0.5), new(0.7, 1.3)]), 2, HtmlColors.White, HtmlColors.Blue.WithAlpha(0.6)),
            new LabelAnnotation(new Point(0.85, 0.95), "clipped text", HtmlColors.White),
            new MarkerAnnotation(new Point(0.0, 0.0), MarkerStyle.Square, HtmlColors.Red),
        ] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Each_annotation_type_is_drawn_as_reviewed(string name, Annotation[] annotations)
    {
        // Text at font scale 1 on these small frames, as on a 400-pixel-high one, so the golden images are readable.
        using var frame = Render(160, 80, annotations, new RasterAnnotationOptions { UnitFontHeight = 80 });

        GoldenImage.Check(frame, name);
    }

    [Fact]
    public void Without_anti_aliasing_pixels_are_painted_fully_or_not_at_all()
    {
        using var frame = Render(160, 80, [
            new LineAnnotation(new Line(new Point(0.05, 0.9), new Point(0.95, 0.1)), HtmlColors.White, 3),
            new LabelAnnotation(new Point(0.1, 0.4), "Hello", HtmlColors.White, size: 5),
        ], new RasterAnnotationOptions { AntiAliasing = false });

        frame.Pixels.ToArray().Distinct().Should().BeEquivalentTo(new byte[] { 64, 255 });
        GoldenImage.Check(frame, "no-anti-aliasing");
    }

    [Fact]
    public void Plain_labels_get_a_background_box_when_asked()
    {
        using var frame = Render(160, 80, [
            new LabelAnnotation(new Point(0.1, 0.4), "Queue: 3", HtmlColors.Yellow),
            new TimestampAnnotation(new DateTime(2026, 1, 2, 3, 4, 5), new Point(0.02, 0.9)),
        ], new RasterAnnotationOptions { LabelBackground = true, UnitFontHeight = 80 });

        GoldenImage.Check(frame, "label-background");
    }

    [Fact]
    public void The_standard_scene_renders_as_reviewed()
    {
        using var frame = Render(1280, 720, AnnotationScene.Load(AnnotationSceneTests.StandardScene));

        GoldenImage.Check(frame, "standard-scene");
    }

    [Fact]
    public void A_transparent_shape_changes_only_the_pixels_it_covers()
    {
        using var frame = BgrFrame.Create(100, 50);
        frame.Fill(10, 20, 30);
        frame.GetRow(45)[300 - 3] = 99; // a pixel far from the shape, unlike the rest of the frame

        new RasterAnnotationDriver().Render([new RectAnnotation(new Rectangle(0.1, 0.1, 0.3, 0.3), HtmlColors.White.WithAlpha(0.5))], frame);

        for (var y = 0; y < 50; y++)
        {
            for (var x = 0; x < 100; x++)
            {
                var onOutline = (x is 10 or 30 && y is >= 5 and <= 15) || (y is 5 or 15 && x is >= 10 and <= 30);
                var pixel = frame.GetRow(y).Slice(x * 3, 3).ToArray();
                if (onOutline)
                {
                    pixel.Should().Equal([(byte)133, (byte)138, (byte)143], $"({x}, {y}) is half white");
                }
                else if (x == 99 && y == 45)
                {
                    pixel.Should().Equal([(byte)99, (byte)20, (byte)30]);
                }
                else
                {
                    pixel.Should().Equal([(byte)10, (byte)20, (byte)30], $"({x}, {y}) is not covered");
                }
            }
        }
    }

    [Fact]
    public void A_semi_transparent_polyline_is_blended_once_where_its_segments_overlap()
    {
        using var frame = BgrFrame.Create(60, 60);
        var color = HtmlColors.White.WithAlpha(0.5);

        new RasterAnnotationDriver().Render([new PolyLineAnnotation(new PolyLine([new(0.1, 0.5), new(0.5, 0.5), new(0.5, 0.1)], closed: false), 5, color)], frame);

        frame.Pixels.ToArray().Max().Should().Be(128, "the joint is as bright as the rest of the line");
    }

    [Fact]
    public void Annotations_with_NaN_or_infinite_coordinates_are_skipped_with_a_warning()
    {
        var logs = new ListLoggerFactory();
        using var frame = BgrFrame.Create(40, 30);
        var driver = new RasterAnnotationDriver(loggerFactory: logs);

        driver.Render([
            new LineAnnotation(new Line(new Point(double.NaN, 0), new Point(1, 1))),
            new LabelAnnotation(new Point(0.5, double.PositiveInfinity), "x"),
            new PolyLineAnnotation(new PolyLine([new(0, 0), new(1, 0), new(0.5, double.NegativeInfinity)])),
            new RectAnnotation(new Rectangle(0.1, 0.1, double.NaN, 0.5)),
            new MarkerAnnotation(new Point(0.5, double.NaN)),
        ], frame);

        frame.Pixels.ToArray().Should().OnlyContain(b => b == 0);
        driver.SkippedCount.Should().Be(5);
        logs.Messages.Should().ContainSingle(message => message.Level == LogLevel.Warning && message.Text.Contains("NaN or infinite", StringComparison.Ordinal));
    }

    [Fact]
    public void Coordinates_far_outside_the_frame_are_clipped_without_an_exception()
    {
        using var frame = BgrFrame.Create(50, 40);
        var driver = new RasterAnnotationDriver();

        driver.Render([
            new PolyLineAnnotation(new PolyLine([new(-1e5, -1e5), new(1e5, -1e5), new(0, 1e5)]), 1, null, HtmlColors.Red),
            new LineAnnotation(new Line(new Point(-1e6, 0.5), new Point(1e6, 0.5)), thickness: 3),
            new LabelAnnotation(new Point(-1e7, 1e7), "far away"),
            new BoundingBoxAnnotation(new Rectangle(-5, -5, 5, 5), "big", "box"),
        ], frame);

        frame.GetRow(20)[75..78].ToArray().Should().Equal([(byte)255, (byte)255, (byte)255], "the long line crosses the middle");
        frame.GetRow(5)[75..78].ToArray().Should().Equal([(byte)0, (byte)0, (byte)255], "the huge triangle covers the frame");
        driver.SkippedCount.Should().Be(0);
    }

    [Fact]
    public void A_line_to_a_far_away_point_keeps_its_direction()
    {
        using var near = Render(100, 100, [new LineAnnotation(new Line(new Point(0, 0), new Point(4, 2)), HtmlColors.White)]);
        using var far = Render(100, 100, [new LineAnnotation(new Line(new Point(0, 0), new Point(4e7, 2e7)), HtmlColors.White)]);

        Pixel(far, 60, 30).Should().Equal([(byte)255, (byte)255, (byte)255], "the line of slope 1/2 passes (60, 30)");
        Pixel(far, 60, 60).Should().Equal([(byte)64, (byte)64, (byte)64], "it does not bend towards the diagonal");
        far.Pixels.SequenceEqual(near.Pixels).Should().BeTrue("both lines have the same direction from the same start");
    }

    [Fact]
    public void Huge_finite_coordinates_are_drawn_clipped_not_skipped()
    {
        var driver = new RasterAnnotationDriver();
        using var frame = BgrFrame.Create(100, 100);

        driver.Render([
            new PolyLineAnnotation(new PolyLine([new(0.2, 0.2), new(1e308, 0.5), new(0.2, 0.8)]), 1, HtmlColors.Blue, HtmlColors.Red),
            new LineAnnotation(new Line(new Point(0.5, 0.1), new Point(-1e308, 0.1)), HtmlColors.Lime, 3),
            new RectAnnotation(new Rectangle(0.9, 0.95, double.MaxValue, double.MaxValue), HtmlColors.Yellow),
            new MarkerAnnotation(new Point(-1e308, 1e308), MarkerStyle.Star),
            new LabelAnnotation(new Point(1e308, 0.5), "far"),
        ], frame);

        driver.SkippedCount.Should().Be(0, "only NaN and infinite coordinates are skipped");
        Pixel(frame, 80, 50).Should().Equal([(byte)0, (byte)0, (byte)255], "the wedge towards x = 1e308 is filled");
        Pixel(frame, 80, 25).Should().Equal([(byte)0, (byte)0, (byte)255], "so far away, the wedge is a band between y = 0.2 and 0.8");
        Pixel(frame, 80, 15).Should().Equal([(byte)0, (byte)0, (byte)0], "above the band");
        Pixel(frame, 10, 50).Should().Equal([(byte)0, (byte)0, (byte)0], "left of the band");
        Pixel(frame, 10, 10).Should().Equal([(byte)0, (byte)255, (byte)0], "the line goes left from (50, 10)");
        Pixel(frame, 60, 10).Should().Equal([(byte)0, (byte)0, (byte)0], "and not right");
        Pixel(frame, 95, 95).Should().Equal([(byte)0, (byte)255, (byte)255], "the rectangle's corner in the frame is drawn");
    }

    [Fact]
    public void An_annotation_type_the_driver_does_not_know_is_an_error_naming_it()
    {
        using var frame = BgrFrame.Create(10, 10);

        var act = () => new RasterAnnotationDriver().Render([new CircleAnnotation()], frame);

        act.Should().Throw<ArgumentException>().WithMessage("*CircleAnnotation*");
    }

    [Fact]
    public void A_null_annotation_is_an_error_naming_its_index()
    {
        using var frame = BgrFrame.Create(10, 10);

        var act = () => new RasterAnnotationDriver().Render([new MarkerAnnotation(new Point(0.5, 0.5)), null!], frame);

        act.Should().Throw<ArgumentNullException>().WithMessage("*index 1*");
    }

    [Fact]
    public void A_live_timestamp_shows_the_time_of_the_drivers_clock()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 21, 12, 34, 56, TimeSpan.Zero));
        using var live = BgrFrame.Create(160, 80);
        using var fixedTime = BgrFrame.Create(160, 80);
        var options = new RasterAnnotationOptions { UnitFontHeight = 80 };

        new RasterAnnotationDriver(options, clock).Render([new TimestampAnnotation(null, new Point(0.02, 0.3))], live);
        new RasterAnnotationDriver(options).Render([new TimestampAnnotation(clock.GetLocalNow().DateTime, new Point(0.02, 0.3))], fixedTime);

        live.Pixels.SequenceEqual(fixedTime.Pixels).Should().BeTrue();
        live.Pixels.ToArray().Should().Contain(255);
    }

    [Fact]
    public void An_open_polyline_with_a_fill_colour_is_filled_as_if_closed_as_in_the_original()
    {
        using var frame = BgrFrame.Create(100, 100);
        var openPath = new PolyLine([new(0.1, 0.1), new(0.9, 0.1), new(0.9, 0.9)], closed: false);

        new RasterAnnotationDriver().Render([new PolyLineAnnotation(openPath, 1, HtmlColors.White, HtmlColors.Red)], frame);

        frame.GetRow(30).Slice(70 * 3, 3).ToArray().Should().Equal([(byte)0, (byte)0, (byte)255], "(70, 30) lies inside the triangle the path closes");
        frame.GetRow(70).Slice(30 * 3, 3).ToArray().Should().Equal([(byte)0, (byte)0, (byte)0], "(30, 70) lies outside it");
        frame.GetRow(50).Slice(50 * 3, 3).ToArray().Should().NotEqual([(byte)255, (byte)255, (byte)255], "the closing side gets no outline");
    }

    [Fact]
    public void Rendering_a_scene_again_allocates_nothing()
    {
        var scene = AnnotationScene.Load(AnnotationSceneTests.StandardScene);
        using var frame = BgrFrame.Create(1280, 720);
        var driver = new RasterAnnotationDriver();
        for (var i = 0; i < 3; i++)
        {
            driver.Render(scene, frame); // the first sizes the buffers and caches the glyphs; the others let the JIT settle
        }

        // Best of three batches: a one-off allocation of the runtime itself (a tier-up under load) may land in
        // one batch; an allocation of the driver per frame lands in all of them.
        var fewest = long.MaxValue;
        for (var batch = 0; batch < 3 && fewest > 0; batch++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 5; i++)
            {
                driver.Render(scene, frame);
            }
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        fewest.Should().Be(0);
    }

    [Fact]
    public void Drawing_on_a_cropped_view_draws_on_the_frame_inside_the_view_only()
    {
        using var frame = BgrFrame.Create(40, 40);
        using var view = frame.Crop(10, 10, 20, 20);

        new RasterAnnotationDriver().Render([new RectAnnotation(new Rectangle(0, 0, 0.99, 0.99))], view);

        frame.GetRow(10)[30..33].ToArray().Should().Equal([(byte)255, (byte)255, (byte)255]);
        frame.GetRow(9).ToArray().Should().OnlyContain(b => b == 0);
        frame.GetRow(29)[..30].ToArray().Should().OnlyContain(b => b == 0);
    }

    [Fact]
    public void A_disposed_frame_is_an_error_before_anything_is_drawn()
    {
        var frame = BgrFrame.Create(10, 10);
        frame.Dispose();

        var act = () => new RasterAnnotationDriver().Render([], frame);

        act.Should().Throw<ObjectDisposedException>();
    }

    private static BgrFrame Render(int width, int height, IReadOnlyList<Annotation> annotations, RasterAnnotationOptions? options = null)
    {
        var frame = BgrFrame.Create(width, height);
        frame.Fill(Background.B, Background.G, Background.R);
        new RasterAnnotationDriver(options).Render(annotations, frame);
        return frame;
    }

    private static void ForEachPixel(BgrFrame frame, Action<int, int, byte[]> visit)
    {
        for (var y = 0; y < frame.Height; y++)
        {
            for (var x = 0; x < frame.Width; x++)
            {
                visit(x, y, Pixel(frame, x, y));
            }
        }
    }

    private static byte[] Pixel(BgrFrame frame, int x, int y) => frame.GetRow(y).Slice(x * 3, 3).ToArray();

    private static (int Left, int Top, int Right, int Bottom) InkBox(BgrFrame frame)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (var y = 0; y < frame.Height; y++)
        {
            var row = frame.GetRow(y);
            for (var x = 0; x < frame.Width; x++)
            {
                if (row[x * 3] != 0)
                {
                    (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
                }
            }
        }
        return (left, top, right, bottom);
    }

    private sealed record CircleAnnotation : Backpack.Annotation.Annotation;
}
