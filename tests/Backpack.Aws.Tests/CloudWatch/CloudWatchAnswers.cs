using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.CloudWatch;

/// <summary>PutMetricData answers as the CloudWatch API reference documents them (Query protocol, XML).</summary>
internal static class CloudWatchAnswers
{
    public static FakeAnswer Accepted(string requestId = "6f8b1a2c-0000-4000-8000-000000000001") => new(200,
        $"""<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ResponseMetadata><RequestId>{requestId}</RequestId></ResponseMetadata></PutMetricDataResponse>""",
        "text/xml") { RequestId = requestId };

    public static Dictionary<string, string> Form(string body) => body.Split('&')
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(pair => Uri.UnescapeDataString(pair[0].Replace('+', ' ')), pair => Uri.UnescapeDataString(pair[1].Replace('+', ' ')));
}
