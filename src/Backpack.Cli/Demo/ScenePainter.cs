using Backpack.Imaging;

namespace Backpack.Cli.Demo;

/// <summary>
/// Draws the demo's objects on a frame as simple side views made of filled rectangles and ellipses: cars
/// with windows and wheels, trucks with a cargo box and a cab, cyclists, walking people. Solid fills
/// without blending, clipped to the frame: a dozen objects cost a few hundred microseconds at 1280×720.
/// </summary>
/// <remarks>Stateless and allocation free; thread safe.</remarks>
internal static class ScenePainter
{
    private const int Tyre = 0x1A1A1A;
    private const int Glass = 0x22313F;
    private const int Skin = 0xE0AC69;
    private const int Trousers = 0x2C3E50;

    /// <summary>Draws every object of the world at its current position.</summary>
    internal static void Paint(BgrFrame frame, IReadOnlyList<SimulatedObject> objects)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(objects);
        for (var i = 0; i < objects.Count; i++)
        {
            Paint(frame, objects[i]);
        }
    }

    /// <summary>Draws one object inside its box.</summary>
    internal static void Paint(BgrFrame frame, SimulatedObject item)
    {
        var box = item.Box;
        var x0 = (int)Math.Round(box.Left * frame.Width);
        var y0 = (int)Math.Round(box.Top * frame.Height);
        var w = Math.Max(2, (int)Math.Round(box.Width * frame.Width));
        var h = Math.Max(2, (int)Math.Round(box.Height * frame.Height));
        switch (item.Class)
        {
            case ObjectClass.Car:
                PaintCar(frame, x0, y0, w, h, item.BodyColor, item.FacesRight);
                break;
            case ObjectClass.Truck:
                PaintTruck(frame, x0, y0, w, h, item.BodyColor, item.FacesRight);
                break;
            case ObjectClass.Bicycle:
                PaintBicycle(frame, x0, y0, w, h, item.BodyColor);
                break;
            default:
                PaintPerson(frame, x0, y0, w, h, item.BodyColor, item.Age);
                break;
        }
    }

    private static void PaintCar(BgrFrame frame, int x0, int y0, int w, int h, int color, bool facesRight)
    {
        var wheel = h / 3;
        var bodyTop = y0 + (h * 2 / 5);
        var bodyBottom = y0 + h - (wheel / 2);
        // Cabin (roof and windows) over the middle, shifted towards the back.
        var cabinLeft = x0 + (w * (facesRight ? 18 : 28) / 100);
        var cabinRight = x0 + (w * (facesRight ? 72 : 82) / 100);
        FillRect(frame, cabinLeft, y0, cabinRight, bodyTop, color);
        FillRect(frame, cabinLeft + (w / 20), y0 + (h / 10), cabinRight - (w / 20), bodyTop, Glass);
        FillRect(frame, ((cabinLeft + cabinRight) / 2) - 1, y0 + (h / 10), ((cabinLeft + cabinRight) / 2) + 1, bodyTop, color);
        FillRect(frame, x0, bodyTop, x0 + w, bodyBottom, color);
        FillRect(frame, x0, bodyBottom - (h / 8), x0 + w, bodyBottom, Darken(color));
        FillEllipse(frame, x0 + (w / 5), y0 + h - (wheel / 2), wheel / 2, wheel / 2, Tyre);
        FillEllipse(frame, x0 + (w * 4 / 5), y0 + h - (wheel / 2), wheel / 2, wheel / 2, Tyre);
    }

    private static void PaintTruck(BgrFrame frame, int x0, int y0, int w, int h, int color, bool facesRight)
    {
        var wheel = h / 4;
        var bottom = y0 + h - (wheel / 2);
        var cabWidth = w * 28 / 100;
        var cabLeft = facesRight ? x0 + w - cabWidth : x0;
        var boxLeft = facesRight ? x0 : x0 + cabWidth + (w / 40);
        var boxRight = facesRight ? x0 + w - cabWidth - (w / 40) : x0 + w;
        FillRect(frame, boxLeft, y0, boxRight, bottom, 0xECECEC);
        FillRect(frame, boxLeft, bottom - (h / 10), boxRight, bottom, 0x9A9A9A);
        FillRect(frame, cabLeft, y0 + (h / 4), cabLeft + cabWidth, bottom, color);
        var glassLeft = facesRight ? cabLeft + (cabWidth / 3) : cabLeft + (cabWidth / 8);
        FillRect(frame, glassLeft, y0 + (h / 3), glassLeft + (cabWidth / 2), y0 + (h / 2), Glass);
        foreach (var fraction in (ReadOnlySpan<int>)[12, 32, 88])
        {
            var cx = facesRight ? x0 + (w * fraction / 100) : x0 + w - (w * fraction / 100);
            FillEllipse(frame, cx, y0 + h - (wheel / 2), wheel / 2, wheel / 2, Tyre);
        }
    }

    private static void PaintBicycle(BgrFrame frame, int x0, int y0, int w, int h, int color)
    {
        var wheel = w * 2 / 5;
        var axle = y0 + h - (wheel / 2);
        FillEllipse(frame, x0 + (wheel / 2), axle, wheel / 2, wheel / 2, Tyre);
        FillEllipse(frame, x0 + w - (wheel / 2), axle, wheel / 2, wheel / 2, Tyre);
        FillRect(frame, x0 + (wheel / 2), axle - (h / 12), x0 + w - (wheel / 2), axle, 0x7F8C8D);
        // The rider: torso leaning over the frame, head above.
        FillRect(frame, x0 + (w / 3), y0 + (h / 5), x0 + (w * 2 / 3), axle - (h / 10), color);
        FillEllipse(frame, x0 + (w / 2), y0 + (h / 10), Math.Max(2, w / 7), Math.Max(2, h / 10), Skin);
    }

    private static void PaintPerson(BgrFrame frame, int x0, int y0, int w, int h, int color, double age)
    {
        var headRadius = Math.Max(2, w * 2 / 5);
        var neck = y0 + (headRadius * 2);
        var hips = y0 + (h * 3 / 5);
        FillEllipse(frame, x0 + (w / 2), y0 + headRadius, headRadius, headRadius, Skin);
        FillRect(frame, x0, neck, x0 + w, hips, color);
        // Legs swing with the walk: about two steps per second.
        var swing = (int)(Math.Sin(age * 2 * Math.PI * 2) * w / 4);
        FillRect(frame, x0 + (w / 8) + swing, hips, x0 + (w / 2), y0 + h, Trousers);
        FillRect(frame, x0 + (w / 2), hips, x0 + (w * 7 / 8) - swing, y0 + h, Trousers);
    }

    private static int Darken(int color) =>
        ((color >> 16 & 0xFF) * 3 / 5 << 16) | ((color >> 8 & 0xFF) * 3 / 5 << 8) | ((color & 0xFF) * 3 / 5);

    /// <summary>Fills columns [x0; x1) of rows [y0; y1), clipped to the frame. <paramref name="color"/> is 0xRRGGBB.</summary>
    internal static void FillRect(BgrFrame frame, int x0, int y0, int x1, int y1, int color)
    {
        x0 = Math.Max(x0, 0);
        y0 = Math.Max(y0, 0);
        x1 = Math.Min(x1, frame.Width);
        y1 = Math.Min(y1, frame.Height);
        for (var y = y0; y < y1; y++)
        {
            FillSpan(frame.GetRow(y), x0, x1, color);
        }
    }

    /// <summary>Fills the ellipse of centre (cx, cy) and radii rx, ry, clipped to the frame.</summary>
    internal static void FillEllipse(BgrFrame frame, int cx, int cy, int rx, int ry, int color)
    {
        if (rx <= 0 || ry <= 0)
        {
            return;
        }
        for (var dy = -ry; dy <= ry; dy++)
        {
            var y = cy + dy;
            if ((uint)y >= (uint)frame.Height)
            {
                continue;
            }
            var half = (int)(rx * Math.Sqrt(1 - ((double)dy * dy / ((double)ry * ry))));
            FillSpan(frame.GetRow(y), Math.Max(cx - half, 0), Math.Min(cx + half + 1, frame.Width), color);
        }
    }

    private static void FillSpan(Span<byte> row, int x0, int x1, int color)
    {
        if (x1 <= x0)
        {
            return;
        }
        var b = (byte)color;
        var g = (byte)(color >> 8);
        var r = (byte)(color >> 16);
        var pixels = row[(x0 * BgrFrame.BytesPerPixel)..(x1 * BgrFrame.BytesPerPixel)];
        for (var i = 0; i < pixels.Length; i += BgrFrame.BytesPerPixel)
        {
            pixels[i] = b;
            pixels[i + 1] = g;
            pixels[i + 2] = r;
        }
    }
}
