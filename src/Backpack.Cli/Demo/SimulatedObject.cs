using Backpack.Geometry;

namespace Backpack.Cli.Demo;

/// <summary>One object of the demo world: where it is, how it moves and how it looks.</summary>
/// <remarks>Mutable; owned by one <see cref="DemoWorld"/>, which moves it each step.</remarks>
internal sealed class SimulatedObject
{
    internal SimulatedObject(int id, ObjectClass objectClass, Point center, Point velocity, double width, double height, int bodyColor, double baseScore)
    {
        Id = id;
        Class = objectClass;
        Center = center;
        Velocity = velocity;
        Width = width;
        Height = height;
        BodyColor = bodyColor;
        BaseScore = baseScore;
    }

    /// <summary>The tracking id.</summary>
    internal int Id { get; }

    /// <summary>What the object is.</summary>
    internal ObjectClass Class { get; }

    /// <summary>The centre of its box, normalised.</summary>
    internal Point Center { get; set; }

    /// <summary>Its speed in normalised units per second along x and y.</summary>
    internal Point Velocity { get; }

    /// <summary>The width of its box, normalised.</summary>
    internal double Width { get; }

    /// <summary>The height of its box, normalised.</summary>
    internal double Height { get; }

    /// <summary>Its main colour as 0xRRGGBB (a car's paint, a person's shirt).</summary>
    internal int BodyColor { get; }

    /// <summary>The detector's typical confidence for this object, around which each frame's score varies.</summary>
    internal double BaseScore { get; }

    /// <summary>Seconds the object has existed, which drives the walking animation.</summary>
    internal double Age { get; set; }

    /// <summary>Its true box, normalised.</summary>
    internal Rectangle Box => new(Center.X - (Width / 2), Center.Y - (Height / 2), Center.X + (Width / 2), Center.Y + (Height / 2));

    /// <summary>Whether it moves towards larger x.</summary>
    internal bool FacesRight => Velocity.X >= 0;
}
