namespace Backpack.Streaming.Tests;

/// <summary>
/// The Theil–Sen slope: the median of the slopes between every pair of measurements. A leak shows as the same steady
/// growth per step as with least squares, but one passing spike (a buffer the allocator holds for a moment near the end
/// of a run) cannot tilt it.
/// </summary>
internal static class TheilSen
{
    /// <summary>The median pairwise slope of <paramref name="values"/> over their index; 0 for fewer than two values.</summary>
    internal static double Slope(IReadOnlyList<double> values)
    {
        var slopes = new List<double>(values.Count * (values.Count - 1) / 2);
        for (var i = 0; i < values.Count; i++)
        {
            for (var j = i + 1; j < values.Count; j++)
            {
                slopes.Add((values[j] - values[i]) / (j - i));
            }
        }
        if (slopes.Count == 0)
        {
            return 0;
        }
        slopes.Sort();
        var middle = slopes.Count / 2;
        return slopes.Count % 2 == 1 ? slopes[middle] : (slopes[middle - 1] + slopes[middle]) / 2;
    }
}
