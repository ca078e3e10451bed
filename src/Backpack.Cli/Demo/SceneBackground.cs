using Backpack.Imaging;

namespace Backpack.Cli.Demo;

/// <summary>
/// Paints the demo's street once: building facades with windows under a sky, paved sidewalks, an asphalt
/// road with lane markings and a crosswalk — textured with fixed noise so the picture has the fine detail
/// an encoder meets in camera footage, while staying still from frame to frame as a fixed camera's
/// background does.
/// </summary>
internal static class SceneBackground
{
    /// <summary>A new frame of the given size holding the street; the same seed paints the same street.</summary>
    internal static BgrFrame Create(int width, int height, int seed = 7)
    {
        var frame = BgrFrame.Create(width, height);
        var facades = Facades(width, seed);
        var buildingsBottom = Row(StreetLayout.BuildingsBottom, height);
        var roadTop = Row(StreetLayout.RoadTop, height);
        var roadBottom = Row(StreetLayout.RoadBottom, height);
        var curb = Math.Max(2, height / 180);
        var marking = Math.Max(2, height / 140);
        var divider = Row(StreetLayout.LaneDivider, height);
        var crosswalkLeft = (int)(StreetLayout.CrosswalkLeft * width);
        var crosswalkRight = (int)(StreetLayout.CrosswalkRight * width);
        var stripe = Math.Max(4, width / 110);
        var tile = Math.Max(8, height / 15);

        for (var y = 0; y < height; y++)
        {
            var row = frame.GetRow(y);
            for (var x = 0; x < width; x++)
            {
                int b, g, r;
                var grain = Noise(x, y, seed) - 8;
                if (y < buildingsBottom)
                {
                    (b, g, r) = Building(facades, x, y, buildingsBottom, height);
                    grain /= 2;
                }
                else if (y < roadTop || y >= roadBottom)
                {
                    // Paving tiles with darker joints; the curb stone along the road is lighter.
                    var isCurb = (y >= roadTop - curb && y < roadTop) || (y >= roadBottom && y < roadBottom + curb);
                    var isJoint = x % tile == 0 || (y - buildingsBottom) % tile == 0;
                    var shade = isCurb ? 205 : isJoint ? 140 : 172 + (Blotch(x, y, seed, 16) / 4);
                    (b, g, r) = (shade - 6, shade - 2, shade);
                }
                else
                {
                    var asphalt = 68 + (Blotch(x, y, seed + 1, 32) / 3);
                    (b, g, r) = (asphalt + 4, asphalt + 1, asphalt);
                    var isEdgeLine = (y >= roadTop + curb && y < roadTop + curb + marking) || (y >= roadBottom - curb - marking && y < roadBottom - curb);
                    var isDivider = Math.Abs(y - divider) < marking && (x / (width / 20)) % 2 == 0;
                    var isCrosswalk = x >= crosswalkLeft && x < crosswalkRight && ((x - crosswalkLeft) / stripe) % 2 == 0
                        && y > roadTop + (3 * curb) && y < roadBottom - (3 * curb);
                    if (isEdgeLine || isCrosswalk)
                    {
                        (b, g, r) = (225, 228, 230);
                    }
                    else if (isDivider)
                    {
                        (b, g, r) = (40, 200, 235);
                    }
                }
                var offset = x * BgrFrame.BytesPerPixel;
                row[offset] = Clamp(b + grain);
                row[offset + 1] = Clamp(g + grain);
                row[offset + 2] = Clamp(r + grain);
            }
        }
        return frame;
    }

    private static int Row(double y, int height) => (int)(y * height);

    private static (int B, int G, int R) Building(Facade[] facades, int x, int y, int buildingsBottom, int height)
    {
        var facade = facades[0];
        foreach (var candidate in facades)
        {
            if (x >= candidate.Left)
            {
                facade = candidate;
            }
        }
        var roof = (int)(facade.Height * buildingsBottom);
        if (y < buildingsBottom - roof)
        {
            // Sky: lighter towards the horizon.
            var t = y * 255 / Math.Max(1, buildingsBottom);
            return (235 - (t / 10), 200 - (t / 12), 150 - (t / 16));
        }
        var window = Math.Max(6, height / 40);
        var pitch = window * 2;
        var inWindow = (x - facade.Left) % pitch >= window / 2 && (x - facade.Left) % pitch < (window / 2) + window
            && (y - (buildingsBottom - roof)) % pitch >= window / 2 && (y - (buildingsBottom - roof)) % pitch < (window / 2) + window
            && y < buildingsBottom - window;
        return inWindow ? (120, 95, 70) : (facade.B, facade.G, facade.R);
    }

    private static Facade[] Facades(int width, int seed)
    {
        var random = new Random(seed);
        var facades = new List<Facade>();
        for (var left = 0; left < width; left += facades[^1].Width)
        {
            var w = Math.Max(16, (int)(width * (0.08 + (random.NextDouble() * 0.10))));
            var tone = random.Next(4);
            var (b, g, r) = tone switch
            {
                0 => (90, 110, 150),
                1 => (150, 160, 170),
                2 => (80, 90, 120),
                _ => (120, 140, 175),
            };
            facades.Add(new Facade(left, w, 0.55 + (random.NextDouble() * 0.45), b, g, r));
        }
        return [.. facades];
    }

    /// <summary>Per-pixel grain from 0 to 15, from a hash of the position.</summary>
    private static int Noise(int x, int y, int seed) => (int)(Hash(x, y, seed) & 15);

    /// <summary>Smooth blotches from −64 to 63: value noise on a grid of <paramref name="cell"/> pixels, bilinearly interpolated.</summary>
    private static int Blotch(int x, int y, int seed, int cell)
    {
        var cx = x / cell;
        var cy = y / cell;
        var fx = (x % cell) / (double)cell;
        var fy = (y % cell) / (double)cell;
        double Corner(int i, int j) => (int)(Hash(cx + i, cy + j, seed * 31) & 127) - 64;
        var top = Corner(0, 0) + ((Corner(1, 0) - Corner(0, 0)) * fx);
        var bottom = Corner(0, 1) + ((Corner(1, 1) - Corner(0, 1)) * fx);
        return (int)(top + ((bottom - top) * fy));
    }

    private static uint Hash(int x, int y, int seed)
    {
        var h = (uint)((x * 374761393) + (y * 668265263) + (seed * 982451653));
        h = (h ^ (h >> 13)) * 1274126177;
        return h ^ (h >> 16);
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);

    private readonly record struct Facade(int Left, int Width, double Height, int B, int G, int R);
}
