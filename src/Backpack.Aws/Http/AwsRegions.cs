using System.Text.RegularExpressions;

namespace Backpack.Aws;

/// <summary>Region names and the DNS suffix of their partition.</summary>
internal static partial class AwsRegions
{
    /// <summary>True for names such as <c>us-east-1</c>, <c>us-gov-west-1</c>, <c>cn-north-1</c>.</summary>
    internal static bool IsValid(string region) => RegionPattern().IsMatch(region);

    /// <summary>The public endpoint of a service in a region: <c>https://{prefix}.{region}.{partition suffix}</c>.</summary>
    internal static Uri Endpoint(string endpointPrefix, string region) =>
        new($"https://{endpointPrefix}.{region}.{(region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com")}");

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
