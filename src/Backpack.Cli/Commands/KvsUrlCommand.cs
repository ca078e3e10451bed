using System.CommandLine;
using Backpack.Aws;
using Backpack.Aws.Kinesis;

namespace Backpack.Cli.Commands;

/// <summary>
/// <c>backpack kvs-url</c>: prints a live HLS URL of a Kinesis video stream (GetDataEndpoint for
/// GET_HLS_STREAMING_SESSION_URL, then GetHLSStreamingSessionURL in LIVE mode), to open in any HLS player.
/// </summary>
internal static class KvsUrlCommand
{
    /// <summary>The shortest session the service grants, in seconds.</summary>
    internal const int MinExpiresSeconds = 300;

    /// <summary>The longest session the service grants, in seconds (12 hours).</summary>
    internal const int MaxExpiresSeconds = 43200;

    internal static Command Create()
    {
        var stream = new Option<string>("--stream") { Description = "The Kinesis video stream to watch.", Required = true };
        var region = new Option<string?>("--region") { Description = "AWS region of the stream (default: AWS_REGION, then AWS_DEFAULT_REGION)." };
        var endpointUrl = new Option<string?>("--endpoint-url")
        {
            Description = "Kinesis Video Streams control-plane endpoint to call instead of the public one (a VPC endpoint, a test server).",
        };
        var expires = new Option<int?>("--expires")
        {
            Description = $"How long the HLS session lasts, {MinExpiresSeconds} to {MaxExpiresSeconds} seconds (default: the service's {MinExpiresSeconds}).",
        };
        var command = new Command(
            "kvs-url",
            "Print a live HLS URL of a Kinesis video stream, to open in any HLS player. Credentials come from the AWS default chain.")
        {
            Options = { stream, region, endpointUrl, expires },
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(stream)!,
            parseResult.GetValue(region),
            parseResult.GetValue(endpointUrl),
            parseResult.GetValue(expires),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>
    /// Prints the URL alone on <paramref name="output"/> (for scripts: <c>vlc "$(backpack kvs-url --stream cam-1)"</c>) and
    /// what it is on <paramref name="error"/>; returns 0, <see cref="ExitCodes.BadInput"/> for a wrong argument, or
    /// <see cref="ExitCodes.Failed"/> with the reason when the service refused or could not be reached.
    /// </summary>
    internal static async Task<int> RunAsync(string stream, string? region, string? endpointUrl, int? expiresSeconds, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        Uri? endpoint = null;
        if (endpointUrl is not null && (!Uri.TryCreate(endpointUrl, UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            return await BadInputAsync(error, $"--endpoint-url \"{endpointUrl}\" is not an absolute http or https URL.").ConfigureAwait(false);
        }
        if (expiresSeconds is < MinExpiresSeconds or > MaxExpiresSeconds)
        {
            return await BadInputAsync(error, $"--expires {expiresSeconds} is out of range; expected {MinExpiresSeconds} to {MaxExpiresSeconds} seconds (5 minutes to 12 hours).").ConfigureAwait(false);
        }
        KinesisVideoClient client;
        try
        {
            client = new KinesisVideoClient(new AwsClientOptions { Region = region, EndpointUrl = endpoint });
        }
        catch (ArgumentException exception)
        {
            return await BadInputAsync(error, WithoutParameter(exception)).ConfigureAwait(false);
        }
        using (client)
        {
            try
            {
                var expires = expiresSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
                var dataEndpoint = await client.GetDataEndpointAsync(stream, KinesisVideoDataApi.GetHlsStreamingSessionUrl, cancellationToken).ConfigureAwait(false);
                var url = await client.GetHlsStreamingSessionUrlAsync(dataEndpoint, stream, expires, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(url.AbsoluteUri).ConfigureAwait(false);
                await error.WriteLineAsync(
                    $"Live HLS session of Kinesis video stream \"{stream}\" in {client.Region}, valid for {expiresSeconds ?? MinExpiresSeconds} s: " +
                    "open the URL in one HLS player (VLC, ffplay, Safari, hls.js). It grants access to the stream's media; do not share it.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (ArgumentException exception)
            {
                return await BadInputAsync(error, WithoutParameter(exception)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("backpack kvs-url: cancelled before the URL was obtained.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (Exception exception) // Whatever went wrong, the user is told what, never left with a stack trace.
            {
                var message = exception is KinesisVideoStreamException or AwsServiceException or TimeoutException or HttpRequestException or InvalidOperationException
                    ? exception.Message
                    : $"{exception.GetType().Name}: {exception.Message}";
                await error.WriteLineAsync("backpack kvs-url: " + message).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
        }
    }

    private static async Task<int> BadInputAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync("backpack kvs-url: " + message).ConfigureAwait(false);
        return ExitCodes.BadInput;
    }

    /// <summary>The message of an argument error without the " (Parameter 'x')" .NET appends, which names our code, not the user's option.</summary>
    private static string WithoutParameter(ArgumentException exception) =>
        exception.ParamName is { } name ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : exception.Message;
}
