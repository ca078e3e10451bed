namespace Backpack.Aws.CloudWatch;

/// <summary>The statistics of a set of samples, sent instead of the samples themselves.</summary>
/// <param name="SampleCount">How many samples; at least 1.</param>
/// <param name="Sum">Their sum.</param>
/// <param name="Minimum">The smallest.</param>
/// <param name="Maximum">The largest.</param>
public readonly record struct StatisticSet(double SampleCount, double Sum, double Minimum, double Maximum);
