namespace Backpack.Aws.Panorama;

/// <summary>One application instance on a Panorama appliance, as ListApplicationInstances describes it.</summary>
/// <param name="ApplicationInstanceId">The instance id, e.g. <c>applicationInstance-0123456789abcdefghijklmn</c>.</param>
/// <param name="Name">The application's name.</param>
/// <param name="Description">The application's description, if any.</param>
/// <param name="DefaultRuntimeContextDevice">The id of the device running it.</param>
/// <param name="DefaultRuntimeContextDeviceName">The name of the device running it.</param>
/// <param name="CreatedTime">When the instance was created (deployed), UTC.</param>
/// <param name="HealthStatus">Health: <c>RUNNING</c>, <c>ERROR</c> or <c>NOT_AVAILABLE</c>.</param>
/// <param name="Status">Deployment status, e.g. <c>DEPLOYMENT_SUCCEEDED</c>.</param>
/// <param name="StatusDescription">A description of the status, if any.</param>
/// <param name="Arn">The instance's ARN.</param>
/// <param name="Tags">The instance's tags; empty when it has none.</param>
public sealed record ApplicationInstance(
    string ApplicationInstanceId,
    string? Name,
    string? Description,
    string? DefaultRuntimeContextDevice,
    string? DefaultRuntimeContextDeviceName,
    DateTimeOffset? CreatedTime,
    string? HealthStatus,
    string? Status,
    string? StatusDescription,
    string? Arn,
    IReadOnlyDictionary<string, string> Tags);
