using Backpack.Aws;
using Backpack.Aws.CloudWatch;
using Backpack.Timepiece;
using BenchmarkDotNet.Attributes;

namespace Backpack.Benchmarks.Aws;

/// <summary>
/// The frame loop's cost of a CloudWatch tachometer: <see cref="CWTachometer.Tick"/> against the plain
/// <see cref="TickerTachometer.Tick"/> it derives from (one-minute windows, so no report within a run).
/// </summary>
[MemoryDiagnoser]
public class CWTachometerTickBenchmarks : IDisposable
{
    private readonly CloudWatchClient _client = new(new AwsClientOptions { Region = "us-east-1", EndpointUrl = new Uri("http://127.0.0.1:9/") });
    private readonly TickerTachometer _plain = new((_, _) => { }, TimeSpan.FromHours(1));
    private readonly CWTachometer _cloudWatch;

    public CWTachometerTickBenchmarks() =>
        _cloudWatch = new CWTachometer("Bench", "frame_processing_time", null, _client, TimeSpan.FromHours(1)) { FlushTimeout = TimeSpan.Zero };

    [Benchmark(Baseline = true)]
    public bool TickerTachometerTick() => _plain.Tick();

    [Benchmark]
    public bool CWTachometerTick() => _cloudWatch.Tick();

    public void Dispose()
    {
        _plain.Dispose();
        _cloudWatch.Dispose();
        _client.Dispose();
        GC.SuppressFinalize(this);
    }
}
