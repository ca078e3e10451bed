namespace Backpack.Aws.Panorama;

/// <summary>One page of ListApplicationInstances.</summary>
/// <param name="ApplicationInstances">The instances on this page.</param>
/// <param name="NextToken">The token of the next page; <see langword="null"/> on the last page.</param>
public sealed record ApplicationInstancesPage(IReadOnlyList<ApplicationInstance> ApplicationInstances, string? NextToken);
