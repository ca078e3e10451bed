using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backpack.Web;
using Backpack.Web.Tests;

// Put -> decoded in the page, over WebRTC and over the WebSocket fallback, in one run: a SkyLine fed at the given rate
// with each frame's number drawn as a frame code, the live view on loopback, Debian's chromium (headless, through
// Playwright) reading the code of every frame it decodes (from a canvas) with the wall-clock time; the latency of a frame
// is that time minus the time it was put. Then the RTSP figure of the same machine from `backpack bench rtsp-latency`.
//   dotnet run -c Release --project bench/WebLatency -- [--seconds 20] [--width 1280 --height 720 --fps 30]
var seconds = Argument("--seconds", 20);
var width = (int)Argument("--width", 1280);
var height = (int)Argument("--height", 720);
var fps = Argument("--fps", 30);

var chromium = new Chromium();
await chromium.InitializeAsync();
var results = new List<(string Transport, double[] Latencies)>();
using (var feed = new StreamFeed("bench", width, height, fps))
{
    await using var server = new LiveViewServer(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1" });
    server.AddStream("bench", feed.SkyLine);
    await server.StartAsync();
    foreach (var transport in new[] { "webrtc", "ws" })
    {
        results.Add((transport, await MeasureAsync(chromium, server, feed, transport, seconds)));
    }
}
await chromium.DisposeAsync();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Put -> decoded in the page, {width}x{height}@{fps:0.##}, {seconds:0} s per transport, loopback (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})"));
foreach (var (transport, latencies) in results)
{
    Console.WriteLine(Summary(transport, latencies));
}
Console.WriteLine(RtspFigure(width, height, fps));
return 0;

static async Task<double[]> MeasureAsync(Chromium chromium, LiveViewServer server, StreamFeed feed, string transport, double seconds)
{
    var page = await chromium.NewPageAsync();
    await page.GotoAsync(new Uri(server.Url!, "/view/bench" + (transport == "ws" ? "?transport=ws" : string.Empty)).ToString());
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromSeconds(20))
    {
        var stats = await page.EvaluateAsync<JsonElement>("() => window.backpackPlayer.stats()");
        if (stats.GetProperty("connected").GetBoolean() && stats.GetProperty("transport").GetString() == transport)
        {
            break;
        }
        await Task.Delay(200);
    }
    await Task.Delay(3000); // the first moments after joining
    await page.EvaluateAsync("() => window.backpackPlayer.watchFrameCodes(true)");
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    var codes = await page.EvaluateAsync<JsonElement>("() => window.backpackPlayer.takeFrameCodes()");
    var finalStats = await page.EvaluateAsync<JsonElement>("() => window.backpackPlayer.stats()");
    var finalTransport = finalStats.GetProperty("transport").GetString();
    Console.Error.WriteLine($"{transport} player stats at the end: {finalStats}");
    await page.Context.CloseAsync();
    if (finalTransport != transport)
    {
        throw new InvalidOperationException($"The player used {finalTransport}, not {transport}.");
    }
    var seen = new HashSet<int>();
    var latencies = new List<double>();
    foreach (var item in codes.EnumerateArray())
    {
        var code = item.GetProperty("code").GetInt32();
        var putAt = feed.PutAt(code);
        if (putAt > 0 && seen.Add(code))
        {
            latencies.Add(item.GetProperty("at").GetDouble() - putAt);
        }
    }
    return [.. latencies.Order()];
}

static string Summary(string transport, double[] sorted) =>
    sorted.Length == 0
        ? $"{transport}: no frame code read"
        : string.Create(CultureInfo.InvariantCulture, $"{transport,-7} frames {sorted.Length,5}  p50_ms {Percentile(sorted, 0.5),6:0.0}  p90_ms {Percentile(sorted, 0.9),6:0.0}  p99_ms {Percentile(sorted, 0.99),6:0.0}  max_ms {sorted[^1],6:0.0}");

static double Percentile(double[] sorted, double fraction) => sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

static string RtspFigure(int width, int height, double fps)
{
    var root = AppContext.BaseDirectory;
    while (root is not null && !File.Exists(Path.Combine(root, "backpack")))
    {
        root = Path.GetDirectoryName(root);
    }
    if (root is null)
    {
        return "rtsp: ./backpack not found above the benchmark";
    }
    var start = new ProcessStartInfo(Path.Combine(root, "backpack"), ["bench", "rtsp-latency", "--width", $"{width}", "--height", $"{height}", "--fps", fps.ToString(CultureInfo.InvariantCulture)])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    return "rtsp    " + string.Join("  ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(line => line.Contains("_ms", StringComparison.Ordinal)));
}

double Argument(string name, double fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
