using System.Globalization;

namespace Backpack.Bench.KvsEndpoint;

/// <summary>The endpoint's command line.</summary>
internal sealed record Options(IReadOnlyList<string> Streams, string Region, TimeSpan PersistDelay, TimeSpan? OutageAt, TimeSpan OutageFor)
{
    /// <summary>Reads <c>--streams</c>, <c>--region</c>, <c>--persist-delay-ms</c>, <c>--outage-at</c> and <c>--outage-for</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option or a value out of range; the message says which.</exception>
    internal static Options Parse(string[] args)
    {
        var streams = new List<string> { "bench" };
        var region = "eu-west-1";
        var persistDelay = 10.0;
        double? outageAt = null;
        double? outageFor = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--streams":
                    streams = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                case "--region":
                    region = value;
                    break;
                case "--persist-delay-ms":
                    persistDelay = Number(args[i], value, 0, 60_000);
                    break;
                case "--outage-at":
                    outageAt = Number(args[i], value, 0, 86_400);
                    break;
                case "--outage-for":
                    outageFor = Number(args[i], value, 0.1, 86_400);
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}; expected --streams, --region, --persist-delay-ms, --outage-at, --outage-for.");
            }
            i++;
        }
        if (streams.Count == 0)
        {
            throw new ArgumentException("--streams needs at least one name.");
        }
        if ((outageAt is null) != (outageFor is null))
        {
            throw new ArgumentException("--outage-at and --outage-for go together.");
        }
        return new Options(streams, region, TimeSpan.FromMilliseconds(persistDelay), outageAt is { } at ? TimeSpan.FromSeconds(at) : null, TimeSpan.FromSeconds(outageFor ?? 0));
    }

    private static double Number(string option, string value, double minimum, double maximum) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= minimum && number <= maximum
            ? number
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} {value} is out of range; expected a number from {minimum} to {maximum}."));
}
