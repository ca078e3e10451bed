using System.Diagnostics;
using System.Text.Json;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

/// <summary>
/// Parses descriptions with GStreamer itself (Debian's python3-gst-1.0): a stand-in element registered as
/// <c>kvssink</c> with kvssink's property names and types reads them as gst_parse_launch would for the real one
/// (see fake_kvssink.py).
/// </summary>
internal static class FakeKvsSink
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    internal sealed record IotField(string Name, string Type, string Value);

    internal sealed record Iot(string Name, IReadOnlyList<IotField> Fields, string? Problem)
    {
        public IReadOnlyDictionary<string, string> Values => Fields.ToDictionary(f => f.Name, f => f.Value);
    }

    internal sealed record Result(bool Ok, string? Error, IReadOnlyDictionary<string, JsonElement>? Properties, Iot? Iot, string? LinkedFrom)
    {
        public string? String(string name) => Properties is not null && Properties.TryGetValue(name, out var value) ? value.GetString() : null;
    }

    /// <summary>Parses each description; the results come in the same order.</summary>
    public static IReadOnlyList<Result> Parse(params string[] descriptions)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Kinesis", "KvsSink", "fake_kvssink.py"));
        using var process = Process.Start(start)!;
        process.StandardInput.Write(JsonSerializer.Serialize(descriptions));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("fake_kvssink.py did not finish");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"fake_kvssink.py failed ({process.ExitCode}): {error.Result}");
        }
        var results = JsonSerializer.Deserialize<List<Result>>(output.Result, Json)!;
        results.Should().HaveCount(descriptions.Length);
        return results;
    }

    public static Result ParseOne(string description) => Parse(description)[0];
}
