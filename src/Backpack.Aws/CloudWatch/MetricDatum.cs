namespace Backpack.Aws.CloudWatch;

/// <summary>One data point of a CloudWatch metric: a value or a statistic set, with its dimensions, time and unit.</summary>
/// <remarks>Set exactly one of <see cref="Value"/> and <see cref="StatisticValues"/>.</remarks>
public sealed record MetricDatum
{
    /// <summary>Creates a data point of the metric <paramref name="metricName"/>.</summary>
    /// <param name="metricName">The metric's name, 1 to 255 characters.</param>
    /// <exception cref="ArgumentException"><paramref name="metricName"/> is empty or longer than 255 characters.</exception>
    public MetricDatum(string metricName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        if (metricName.Length > 255)
        {
            throw new ArgumentException($"A CloudWatch metric name has at most 255 characters; this one has {metricName.Length}.", nameof(metricName));
        }
        MetricName = metricName;
    }

    /// <summary>The metric's name.</summary>
    public string MetricName { get; }

    /// <summary>The dimensions (name and value), in the order they are sent; at most 30.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Dimensions { get; init; } = [];

    /// <summary>When the data point was measured; <see langword="null"/>: when CloudWatch receives it.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>A single value.</summary>
    public double? Value { get; init; }

    /// <summary>The statistics of several values.</summary>
    public StatisticSet? StatisticValues { get; init; }

    /// <summary>The unit, e.g. <c>Seconds</c>, <c>Count</c>, <c>Percent</c>; <see langword="null"/>: <c>None</c>.</summary>
    public string? Unit { get; init; }
}
