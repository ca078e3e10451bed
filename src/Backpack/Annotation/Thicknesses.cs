namespace Backpack.Annotation;

/// <summary>The range of line thicknesses annotations accept.</summary>
internal static class Thicknesses
{
    internal const int Max = 255;

    internal static int Validate(int thickness, string name) =>
        thickness is >= 1 and <= Max
            ? thickness
            : throw new ArgumentOutOfRangeException(name, thickness, $"Expected a thickness from 1 to {Max} pixels.");
}
