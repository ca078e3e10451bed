using Backpack.Geometry;

namespace Backpack.Cli.Demo;

/// <summary>
/// The simulated street of <c>backpack demo</c>: cars and trucks drive along two lanes, bicycles along the
/// edge of the road, people walk along the sidewalks or cross at the crosswalk. Objects enter at the edges
/// at random moments, move at constant speed and are forgotten once they have left the frame.
/// A "detector" reports each visible object with its tracking id, a slightly jittered box and a score.
/// </summary>
/// <remarks>
/// Deterministic: the same seed and the same sequence of steps give the same objects and detections, which
/// is what the tests rely on. Time advances only through <see cref="Step"/>, never from a clock.
/// Allocates only when an object enters. Not thread safe.
/// </remarks>
internal sealed class DemoWorld
{
    private static readonly int[] CarColors = [0xC0392B, 0x2E86C1, 0xE5E7E9, 0x1C2833, 0xAAB7B8, 0xF4D03F, 0x1E8449, 0x7D3C98];
    private static readonly int[] ShirtColors = [0xE74C3C, 0x3498DB, 0x2ECC71, 0xF39C12, 0x9B59B6, 0xECF0F1, 0x34495E, 0x16A085];

    private readonly Random _random;
    private readonly List<SimulatedObject> _objects;
    private int _nextId;

    /// <summary>Creates an empty street.</summary>
    /// <param name="seed">Seed of every random choice.</param>
    /// <param name="maxObjects">The most objects at once (1 or more); no object enters while the street is full.</param>
    internal DemoWorld(int seed = 1, int maxObjects = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxObjects, 1);
        _random = new Random(seed);
        MaxObjects = maxObjects;
        _objects = new List<SimulatedObject>(maxObjects);
    }

    /// <summary>The most objects at once.</summary>
    internal int MaxObjects { get; }

    /// <summary>The objects now in the street, oldest first.</summary>
    internal IReadOnlyList<SimulatedObject> Objects => _objects;

    /// <summary>Seconds simulated so far.</summary>
    internal double Time { get; private set; }

    /// <summary>How many objects ever entered (also the next tracking id).</summary>
    internal int Entered => _nextId;

    /// <summary>Moves every object by <paramref name="seconds"/>, removes those that left and lets new ones enter.</summary>
    /// <param name="seconds">Simulated time, more than 0 and at most 1 second.</param>
    internal void Step(double seconds)
    {
        if (!(seconds > 0 && seconds <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Expected a step of more than 0 and at most 1 second.");
        }
        Time += seconds;
        for (var i = _objects.Count - 1; i >= 0; i--)
        {
            var item = _objects[i];
            item.Center = new Point(item.Center.X + (item.Velocity.X * seconds), item.Center.Y + (item.Velocity.Y * seconds));
            item.Age += seconds;
            if (HasLeft(item))
            {
                _objects.RemoveAt(i);
            }
        }
        TryEnter(ObjectClass.Car, 0.40 * seconds);
        TryEnter(ObjectClass.Truck, 0.07 * seconds);
        TryEnter(ObjectClass.Bicycle, 0.10 * seconds);
        TryEnter(ObjectClass.Person, 0.45 * seconds);
    }

    /// <summary>Puts an object in the street (tests place objects where they want them).</summary>
    /// <returns>The object, with the next tracking id.</returns>
    internal SimulatedObject Add(ObjectClass objectClass, Point center, Point velocity, double width, double height, double baseScore = 0.9)
    {
        var item = new SimulatedObject(_nextId++, objectClass, center, velocity, width, height, CarColors[0], baseScore);
        _objects.Add(item);
        return item;
    }

    /// <summary>
    /// The detector: fills <paramref name="detections"/> (cleared first) with every object whose box overlaps
    /// the frame, its box moved by at most 0.002 per edge and its score within ±0.03 of the object's typical score.
    /// </summary>
    internal void Detect(List<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        detections.Clear();
        foreach (var item in _objects)
        {
            var box = item.Box;
            if (box.Right <= 0 || box.Left >= 1 || box.Bottom <= 0 || box.Top >= 1)
            {
                continue;
            }
            var jittered = new Rectangle(
                box.Left + Jitter(0.002), box.Top + Jitter(0.002), box.Right + Jitter(0.002), box.Bottom + Jitter(0.002));
            var score = Math.Clamp(item.BaseScore + Jitter(0.03), 0.05, 0.99);
            detections.Add(new Detection(item.Id, item.Class, jittered, score));
        }
    }

    private double Jitter(double amplitude) => ((_random.NextDouble() * 2) - 1) * amplitude;

    private double Between(double min, double max) => min + (_random.NextDouble() * (max - min));

    private static bool HasLeft(SimulatedObject item)
    {
        var box = item.Box;
        return (item.Velocity.X > 0 && box.Left >= 1)
            || (item.Velocity.X < 0 && box.Right <= 0)
            || (item.Velocity.Y > 0 && box.Top >= 1)
            // People walking up the crosswalk go into a building at the top of the upper sidewalk.
            || (item.Velocity.Y < 0 && box.Bottom <= StreetLayout.BuildingsBottom + 0.02);
    }

    private void TryEnter(ObjectClass objectClass, double probability)
    {
        if (_objects.Count >= MaxObjects || _random.NextDouble() >= probability)
        {
            return;
        }
        var (width, height) = objectClass switch
        {
            ObjectClass.Car => (0.11, 0.085),
            ObjectClass.Truck => (0.19, 0.12),
            ObjectClass.Bicycle => (0.045, 0.08),
            _ => (0.022, 0.10),
        };
        var (center, velocity) = objectClass switch
        {
            ObjectClass.Car => Drive(width, height, Between(0.14, 0.22)),
            ObjectClass.Truck => Drive(width, height, Between(0.09, 0.13)),
            ObjectClass.Bicycle => (new Point(-width / 2, StreetLayout.BicycleBase - (height / 2)), new Point(Between(0.06, 0.09), 0)),
            _ => Walk(width, height),
        };
        if (IsBlocked(center, velocity, width, height))
        {
            return;
        }
        var palette = objectClass == ObjectClass.Person ? ShirtColors : CarColors;
        var color = objectClass == ObjectClass.Truck ? 0x2874A6 : palette[_random.Next(palette.Length)];
        var baseScore = objectClass switch
        {
            ObjectClass.Car => Between(0.80, 0.98),
            ObjectClass.Truck => Between(0.70, 0.95),
            ObjectClass.Bicycle => Between(0.55, 0.85),
            _ => Between(0.75, 0.97),
        };
        _objects.Add(new SimulatedObject(_nextId++, objectClass, center, velocity, width, height, color, baseScore));
    }

    private (Point Center, Point Velocity) Drive(double width, double height, double speed)
    {
        var eastbound = _random.Next(2) == 0;
        return eastbound
            ? (new Point(-width / 2, StreetLayout.EastboundBase - (height / 2)), new Point(speed, 0))
            : (new Point(1 + (width / 2), StreetLayout.WestboundBase - (height / 2)), new Point(-speed, 0));
    }

    private (Point Center, Point Velocity) Walk(double width, double height)
    {
        var speed = Between(0.025, 0.045);
        switch (_random.Next(5))
        {
            case 0:
                // Out of a door of the upper sidewalk, across the road, out at the bottom.
                return (new Point(Between(StreetLayout.CrosswalkLeft + 0.02, StreetLayout.CrosswalkRight - 0.02), StreetLayout.BuildingsBottom + 0.03 - (height / 2)),
                    new Point(0, speed));
            case 1:
                // In at the bottom, across the road, into a building.
                return (new Point(Between(StreetLayout.CrosswalkLeft + 0.02, StreetLayout.CrosswalkRight - 0.02), 1 + (height / 2)),
                    new Point(0, -speed));
            default:
                var upper = _random.Next(2) == 0;
                var (min, max) = upper ? StreetLayout.UpperSidewalkBases : StreetLayout.LowerSidewalkBases;
                var baseY = Between(min, max);
                var eastbound = _random.Next(2) == 0;
                return eastbound
                    ? (new Point(-width / 2, baseY - (height / 2)), new Point(speed, 0))
                    : (new Point(1 + (width / 2), baseY - (height / 2)), new Point(-speed, 0));
        }
    }

    /// <summary>Whether an object of the same lane and direction is still too close to where a new one would enter.</summary>
    private bool IsBlocked(Point center, Point velocity, double width, double height)
    {
        foreach (var other in _objects)
        {
            var sameLane = velocity.Y == 0 && other.Velocity.Y == 0
                && Math.Sign(other.Velocity.X) == Math.Sign(velocity.X)
                && Math.Abs(other.Box.Bottom - (center.Y + (height / 2))) < 0.03;
            if (sameLane && Math.Abs(other.Center.X - center.X) < ((other.Width + width) / 2) + 0.08)
            {
                return true;
            }
        }
        return false;
    }
}
