using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backpack.Aws.CloudWatch;

namespace Backpack.Aws.Tests.CloudWatch;

/// <summary>Runs Debian's python3-botocore to build the PutMetricData request it would send for the same call.</summary>
internal static class Botocore
{
    internal sealed record Request(string Protocol, string Url, string ContentType, string Body);

    public static Request PutMetricData(string region, string metricNamespace, IReadOnlyList<MetricDatum> data)
    {
        var metricData = new JsonArray();
        foreach (var datum in data)
        {
            var item = new JsonObject { ["MetricName"] = datum.MetricName };
            item["Dimensions"] = new JsonArray(datum.Dimensions.Select(d => (JsonNode)new JsonObject { ["Name"] = d.Key, ["Value"] = d.Value }).ToArray());
            if (datum.Timestamp is { } timestamp)
            {
                item["Timestamp"] = timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);
            }
            if (datum.Value is { } value)
            {
                item["Value"] = Float(value);
            }
            if (datum.StatisticValues is { } s)
            {
                // The Python original passes len(timer), an int, as SampleCount.
                item["StatisticValues"] = new JsonObject
                {
                    ["SampleCount"] = s.SampleCount == Math.Floor(s.SampleCount) ? JsonValue.Create((long)s.SampleCount) : Float(s.SampleCount),
                    ["Sum"] = Float(s.Sum),
                    ["Minimum"] = Float(s.Minimum),
                    ["Maximum"] = Float(s.Maximum),
                };
            }
            if (datum.Unit is not null)
            {
                item["Unit"] = datum.Unit;
            }
            metricData.Add(item);
        }
        var call = new JsonObject { ["region"] = region, ["params"] = new JsonObject { ["Namespace"] = metricNamespace, ["MetricData"] = metricData } };
        using var document = JsonDocument.Parse(Run("botocore_put_metric_data.py", call.ToJsonString()));
        var root = document.RootElement;
        return new Request(root.GetProperty("protocol").GetString()!, root.GetProperty("url").GetString()!, root.GetProperty("content_type").GetString()!, root.GetProperty("body").GetString()!);
    }

    /// <summary>Python's <c>repr</c> of each number.</summary>
    public static IReadOnlyList<string> Repr(IEnumerable<double> values)
    {
        var script = "import json,struct,sys\nprint(json.dumps([repr(struct.unpack('<d', struct.pack('<q', b))[0]) for b in json.load(sys.stdin)]))";
        var output = Run(null, JsonSerializer.Serialize(values.Select(BitConverter.DoubleToInt64Bits)), script);
        return JsonSerializer.Deserialize<List<string>>(output)!;
    }

    /// <summary>A double passed bit for bit (JSON would turn 2.0 into the integer 2), decoded by the script.</summary>
    private static JsonObject Float(double value) => new() { ["double_bits"] = BitConverter.DoubleToInt64Bits(value) };

    /// <summary>Runs a script of CloudWatch/ (or <paramref name="inlineScript"/>) with <paramref name="input"/> on stdin; returns its stdout.</summary>
    internal static string Run(string? scriptFile, string input, string? inlineScript = null)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (scriptFile is not null)
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CloudWatch", scriptFile));
        }
        else
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(inlineScript!);
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("python3 did not finish");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"python3 failed ({process.ExitCode}): {error.Result}");
        }
        return output.Result;
    }
}
