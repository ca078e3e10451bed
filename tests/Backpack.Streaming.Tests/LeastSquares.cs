namespace Backpack.Streaming.Tests;

/// <summary>Straight-line fits of measurements, for growth per step (memory per cycle) that one noisy sample cannot show.</summary>
internal static class LeastSquares
{
    /// <summary>The least-squares slope of <paramref name="values"/> over their index: growth per step; 0 for fewer than two values.</summary>
    internal static double Slope(IReadOnlyList<double> values)
    {
        var n = values.Count;
        if (n < 2)
        {
            return 0;
        }
        var meanX = (n - 1) / 2.0;
        var meanY = values.Average();
        double numerator = 0, denominator = 0;
        for (var i = 0; i < n; i++)
        {
            numerator += (i - meanX) * (values[i] - meanY);
            denominator += (i - meanX) * (i - meanX);
        }
        return numerator / denominator;
    }
}
