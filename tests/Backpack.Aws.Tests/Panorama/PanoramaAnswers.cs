using System.Text.Json;
using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.Panorama;

/// <summary>ListApplicationInstances answers shaped as the Panorama API reference documents them.</summary>
internal static class PanoramaAnswers
{
    public static Dictionary<string, object?> Instance(string id, string health = "RUNNING", string name = "sample_app", string device = "device-0123456789abcdefghijklmn") => new()
    {
        ["ApplicationInstanceId"] = id,
        ["Arn"] = $"arn:aws:panorama:us-east-1:123456789012:applicationInstance/{id}",
        ["CreatedTime"] = 1645115885.51,
        ["DefaultRuntimeContextDevice"] = device,
        ["DefaultRuntimeContextDeviceName"] = "my_panorama",
        ["Description"] = "Sample application description",
        ["HealthStatus"] = health,
        ["Name"] = name,
        ["RuntimeContextStates"] = new[] { new Dictionary<string, object> { ["DesiredState"] = "RUNNING", ["DeviceReportedStatus"] = "RUNNING", ["DeviceReportedTime"] = 1645115900.0, ["RuntimeContextName"] = "code_node" } },
        ["Status"] = "DEPLOYMENT_SUCCEEDED",
        ["StatusDescription"] = "Application deployed successfully.",
        ["Tags"] = new Dictionary<string, string> { ["foo"] = "bar" },
    };

    public static FakeAnswer Page(IEnumerable<Dictionary<string, object?>> instances, string? nextToken = null)
    {
        var page = new Dictionary<string, object?> { ["ApplicationInstances"] = instances.ToArray() };
        if (nextToken is not null)
        {
            page["NextToken"] = nextToken;
        }
        return FakeAnswer.Json(JsonSerializer.Serialize(page));
    }
}
