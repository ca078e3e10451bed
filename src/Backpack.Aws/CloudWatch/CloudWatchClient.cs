using System.Globalization;
using System.Text;
using Backpack.Aws.Http;

namespace Backpack.Aws.CloudWatch;

/// <summary>
/// A thin client of Amazon CloudWatch (Query protocol, API version 2010-08-01, signing name <c>monitoring</c>):
/// PutMetricData. Needs the IAM permission <c>cloudwatch:PutMetricData</c>.
/// </summary>
/// <remarks>Thread-safe; create one and share it. Dispose it to release its connections.</remarks>
public sealed class CloudWatchClient : IDisposable
{
    private const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";
    private readonly AwsServiceClient _client;

    /// <summary>Creates a client for the region and endpoint of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid or no region is known.</exception>
    public CloudWatchClient(AwsClientOptions options)
    {
        _client = new AwsServiceClient("monitoring", "monitoring", options, nameof(options));
    }

    /// <summary>The region this client calls.</summary>
    public string Region => _client.Region;

    /// <summary>The endpoint this client calls.</summary>
    public Uri Endpoint => _client.Endpoint;

    /// <summary>Publishes data points (<c>PutMetricData</c>).</summary>
    /// <param name="metricNamespace">The namespace, 1 to 255 characters, not starting with <c>AWS/</c>.</param>
    /// <param name="metricData">1 to 1000 data points.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The namespace or a data point is not what CloudWatch accepts.</exception>
    /// <exception cref="AwsServiceException">CloudWatch refused the call.</exception>
    /// <exception cref="TimeoutException">No answer within the timeout.</exception>
    public async Task PutMetricDataAsync(string metricNamespace, IReadOnlyList<MetricDatum> metricData, CancellationToken cancellationToken = default)
    {
        var body = PutMetricDataBody(metricNamespace, metricData);
        await _client.SendAsync(
            new AwsRequest("PutMetricData", HttpMethod.Post, "/", [], Encoding.UTF8.GetBytes(body), ContentType),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    /// <summary>The form body of PutMetricData, parameter for parameter as botocore serialises the same call.</summary>
    internal static string PutMetricDataBody(string metricNamespace, IReadOnlyList<MetricDatum> metricData)
    {
        if (NamespaceProblem(metricNamespace) is { } namespaceProblem)
        {
            throw new ArgumentException(namespaceProblem, nameof(metricNamespace));
        }
        ArgumentNullException.ThrowIfNull(metricData);
        if (metricData.Count is < 1 or > 1000)
        {
            throw new ArgumentException($"PutMetricData takes 1 to 1000 data points; {metricData.Count} were given.", nameof(metricData));
        }
        var query = new QueryProtocol("PutMetricData", "2010-08-01").Add("Namespace", metricNamespace);
        for (var i = 0; i < metricData.Count; i++)
        {
            var datum = metricData[i] ?? throw new ArgumentException($"Data point {i} is null.", nameof(metricData));
            if (Problem(datum, i) is { } problem)
            {
                throw new ArgumentException(problem, nameof(metricData));
            }
            var prefix = $"MetricData.member.{i + 1}.";
            query.Add(prefix + "MetricName", datum.MetricName);
            if (datum.Dimensions.Count == 0)
            {
                // botocore sends an empty list as an empty parameter.
                query.Add(prefix + "Dimensions", string.Empty);
            }
            for (var d = 0; d < datum.Dimensions.Count; d++)
            {
                query.Add($"{prefix}Dimensions.member.{d + 1}.Name", datum.Dimensions[d].Key);
                query.Add($"{prefix}Dimensions.member.{d + 1}.Value", datum.Dimensions[d].Value);
            }
            if (datum.Timestamp is { } timestamp)
            {
                query.Add(prefix + "Timestamp", timestamp);
            }
            if (datum.Value is { } value)
            {
                query.Add(prefix + "Value", value);
            }
            if (datum.StatisticValues is { } statistics)
            {
                // A whole sample count is written as an integer, as the Python original passes len(timer).
                if (statistics.SampleCount == Math.Floor(statistics.SampleCount) && statistics.SampleCount < 1e15)
                {
                    query.Add(prefix + "StatisticValues.SampleCount", ((long)statistics.SampleCount).ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    query.Add(prefix + "StatisticValues.SampleCount", statistics.SampleCount);
                }
                query.Add(prefix + "StatisticValues.Sum", statistics.Sum);
                query.Add(prefix + "StatisticValues.Minimum", statistics.Minimum);
                query.Add(prefix + "StatisticValues.Maximum", statistics.Maximum);
            }
            if (datum.Unit is not null)
            {
                query.Add(prefix + "Unit", datum.Unit);
            }
        }
        return query.ToString();
    }

    /// <summary>What CloudWatch would reject in a namespace, or <see langword="null"/>.</summary>
    internal static string? NamespaceProblem(string? metricNamespace) =>
        string.IsNullOrWhiteSpace(metricNamespace) || metricNamespace.Length > 255 || metricNamespace.StartsWith("AWS/", StringComparison.Ordinal)
            ? $"A CloudWatch namespace has 1 to 255 characters and does not start with \"AWS/\"; \"{metricNamespace}\" does not qualify."
            : null;

    /// <summary>What CloudWatch would reject in a list of dimensions, or <see langword="null"/>.</summary>
    internal static string? DimensionsProblem(IReadOnlyList<KeyValuePair<string, string>> dimensions)
    {
        if (dimensions.Count > 30)
        {
            return $"{dimensions.Count} dimensions were given; CloudWatch takes at most 30.";
        }
        foreach (var (name, value) in dimensions)
        {
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(value) || name.Length > 255 || value.Length > 1024 || name.StartsWith(':'))
            {
                return $"the dimension \"{name}\"=\"{value}\" is invalid: names have 1 to 255 characters and do not start with ':', values 1 to 1024.";
            }
        }
        return null;
    }

    /// <summary>What CloudWatch would reject in a data point, or <see langword="null"/>.</summary>
    private static string? Problem(MetricDatum datum, int index)
    {
        var what = $"Data point {index} ({datum.MetricName})";
        if (datum.Value is null == datum.StatisticValues is null)
        {
            return $"{what} must have exactly one of Value and StatisticValues.";
        }
        if (DimensionsProblem(datum.Dimensions) is { } dimensionsProblem)
        {
            return $"{what}: {dimensionsProblem}";
        }
        if (datum.Value is { } single && !double.IsFinite(single))
        {
            return $"{what} has the value {single}; CloudWatch takes finite numbers only.";
        }
        if (datum.StatisticValues is { } s
            && (!double.IsFinite(s.SampleCount) || !double.IsFinite(s.Sum) || !double.IsFinite(s.Minimum) || !double.IsFinite(s.Maximum) || s.SampleCount < 1 || s.Minimum > s.Maximum))
        {
            return $"{what} has the statistic set {s}; it needs finite numbers, SampleCount of at least 1 and Minimum <= Maximum.";
        }
        return null;
    }
}
