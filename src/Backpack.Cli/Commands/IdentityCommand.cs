using System.CommandLine;
using Backpack.Aws;
using Backpack.Aws.Identity;
using Backpack.Aws.Panorama;

namespace Backpack.Cli.Commands;

/// <summary><c>backpack identity</c>: tells who this device is (Panorama, Greengrass, EC2 or the host) and which source said so.</summary>
internal static class IdentityCommand
{
    internal static Command Create()
    {
        var region = new Option<string?>("--region")
        {
            Description = "AWS region of the Panorama appliance (default: AWS_REGION, then AWS_DEFAULT_REGION)",
        };
        var endpointUrl = new Option<string?>("--endpoint-url")
        {
            Description = "Panorama endpoint to call instead of the public one (a VPC endpoint, a test server)",
        };
        var command = new Command(
            "identity",
            "Resolve and print this device's identity: AWS Panorama (AppGraph_Uid), AWS IoT Greengrass (AWS_IOT_THING_NAME), " +
            "EC2 instance metadata (IMDSv2), else the host's machine id and name. Credentials come from the AWS default chain.")
        {
            Options = { region, endpointUrl },
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(region),
            parseResult.GetValue(endpointUrl),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Prints the source and the identity block; returns 0, or 1 with a message on <paramref name="error"/>, whatever went wrong.</summary>
    internal static async Task<int> RunAsync(string? region, string? endpointUrl, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        Uri? endpoint = null;
        if (endpointUrl is not null && (!Uri.TryCreate(endpointUrl, UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            await error.WriteLineAsync($"--endpoint-url \"{endpointUrl}\" is not an absolute http or https URL.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        try
        {
            if (region is not null)
            {
                // Refuses a malformed region or endpoint now, whether or not Panorama is tried.
                using var check = new PanoramaClient(new AwsClientOptions { Region = region, EndpointUrl = endpoint });
            }
            var resolver = new IdentityResolver(new IdentityResolverOptions { Region = region, PanoramaEndpointUrl = endpoint });
            var identity = await resolver.ResolveAsync(cancellationToken).ConfigureAwait(false);
            foreach (var skipped in identity.Skipped)
            {
                await error.WriteLineAsync("skipped " + skipped).ConfigureAwait(false);
            }
            await output.WriteLineAsync($"source: {identity.Source.ToString().ToLowerInvariant()}").ConfigureAwait(false);
            await output.WriteLineAsync(identity.ToString()).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Cancelled before the identity was resolved.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception exception) // Whatever went wrong, the user is told what, never left with a bare exit code.
        {
            var message = exception switch
            {
                ArgumentException { ParamName: { } name } argument => argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal),
                ArgumentException or AutoIdentityError or AwsServiceException or TimeoutException or HttpRequestException or InvalidOperationException => exception.Message,
                _ => $"{exception.GetType().Name}: {exception.Message}",
            };
            await error.WriteLineAsync(message).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
