namespace Backpack.Cli.Demo;

/// <summary>The demo's Kinesis Video Streams options, as given.</summary>
/// <param name="StreamName">The stream (<c>--kvs-stream</c>), or null for none.</param>
/// <param name="Region">The region (<c>--region</c>), or null for the environment's.</param>
/// <param name="EndpointUrl">The control-plane endpoint (<c>--kvs-endpoint-url</c>), or null for the public one.</param>
/// <param name="CreateStream">Whether to create a missing stream (<c>--create-stream</c>).</param>
internal sealed record DemoKinesis(string? StreamName, string? Region, string? EndpointUrl, bool CreateStream);
