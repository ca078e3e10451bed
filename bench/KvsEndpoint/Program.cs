using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Backpack.Aws.Tests.Kinesis.Producer;

namespace Backpack.Bench.KvsEndpoint;

/// <summary>
/// Serves the tests' local Kinesis Video Streams endpoint until SIGTERM, SIGINT or the end of standard input, then
/// prints what each stream received as one line (<c>results {json}</c>) and exits.
/// </summary>
/// <remarks>
/// Usage: <c>KvsEndpoint [--streams a,b] [--region eu-west-1] [--persist-delay-ms 10] [--outage-at S --outage-for S]</c>.
/// The first line of standard output is <c>control_plane_url=URL region=REGION data_url=URL</c> (ports chosen by the
/// system). The outage starts S seconds after the first PutMedia is accepted: new connections are refused (reset) for
/// the given seconds and the open one is dropped, the endpoint's own fault injection.
/// </remarks>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException exception)
        {
            await Console.Error.WriteLineAsync("KvsEndpoint: " + exception.Message);
            return 2;
        }

        await using var endpoint = await LocalKinesisVideoEndpoint.StartAsync(options.Region);
        endpoint.PersistDelay = options.PersistDelay;
        foreach (var stream in options.Streams)
        {
            endpoint.AddStream(stream);
        }
        Console.Out.WriteLine($"control_plane_url={endpoint.ControlPlaneUrl} region={endpoint.Region} data_url={endpoint.DataUrl}");
        Console.Out.Flush();

        using var stop = new CancellationTokenSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        var input = Task.Run(async () =>
        {
            // The end of standard input (the parent closed it, or ended) stops the endpoint too.
            using var reader = new StreamReader(Console.OpenStandardInput());
            while (await reader.ReadLineAsync() is not null)
            {
            }
            await stop.CancelAsync();
        });
        var outage = options.OutageAt is { } at ? InjectOutageAsync(endpoint, at, options.OutageFor, stop.Token) : Task.CompletedTask;
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop.
        }
        await outage;
        Console.Out.WriteLine("results " + Results(endpoint, options.Streams));
        Console.Out.Flush();
        return 0;
    }

    /// <summary>Waits for the first PutMedia, then <paramref name="at"/>, then refuses connections for <paramref name="duration"/> and drops the open one.</summary>
    private static async Task InjectOutageAsync(LocalKinesisVideoEndpoint endpoint, TimeSpan at, TimeSpan duration, CancellationToken stop)
    {
        try
        {
            while (endpoint.Sessions.Count == 0)
            {
                await Task.Delay(50, stop);
            }
            await Task.Delay(at, stop);
            endpoint.RefuseConnectionsFor(duration);
            endpoint.DropConnectionAfterBytes(0);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"outage refusing connections for {duration.TotalSeconds:0.#} s, open one dropped"));
            Console.Out.Flush();
        }
        catch (OperationCanceledException)
        {
            // Stopped before the outage.
        }
    }

    private static string Results(LocalKinesisVideoEndpoint endpoint, IReadOnlyList<string> streams)
    {
        var violations = endpoint.Violations;
        var result = new Dictionary<string, object>
        {
            ["streams"] = streams.ToDictionary(
                name => name,
                name =>
                {
                    var stream = endpoint.Stream(name);
                    var unique = stream.UniqueFragments;
                    return new Dictionary<string, long>
                    {
                        ["received"] = stream.Fragments.Count,
                        ["unique"] = unique.Count,
                        ["persisted"] = unique.Count(fragment => fragment.Persisted),
                        ["duplicates"] = stream.DuplicateFragments,
                        ["frames"] = unique.Sum(fragment => (long)fragment.FrameCount),
                        ["sessions"] = stream.Sessions.Count,
                    };
                }),
            ["violations"] = violations.Count,
            ["first_violations"] = violations.Take(5).ToArray(),
            ["warnings"] = endpoint.Warnings.Count,
            ["refused_connections"] = endpoint.RefusedConnections,
        };
        return JsonSerializer.Serialize(result);
    }
}
