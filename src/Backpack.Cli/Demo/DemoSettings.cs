namespace Backpack.Cli.Demo;

/// <summary>What <c>backpack demo</c> was asked for, validated.</summary>
/// <param name="Port">The RTSP port (0: any free port).</param>
/// <param name="Bind">The address the server listens on.</param>
/// <param name="Duration">How long to run; null until Ctrl+C.</param>
/// <param name="Width">Frame width in pixels (even).</param>
/// <param name="Height">Frame height in pixels (even).</param>
/// <param name="FramesPerSecond">The loop's and the stream's frame rate.</param>
/// <param name="User">The user clients must give, or null for no authentication.</param>
/// <param name="Password">The password clients must give, with <paramref name="User"/>.</param>
internal sealed record DemoSettings(int Port, string Bind, TimeSpan? Duration, int Width, int Height, double FramesPerSecond, string? User, string? Password)
{
    /// <summary>The live view's port (0: any free port), or null for no live view (<c>--no-web</c>).</summary>
    internal int? WebPort { get; init; }

    /// <summary>Where the demo also streams to Kinesis Video Streams, or null for RTSP alone.</summary>
    internal DemoKinesis? Kinesis { get; init; }

    /// <summary>The mount path of the demo's stream.</summary>
    internal const string Path = "/demo";

    /// <summary>The demo's stream in the live view: the same name as on RTSP.</summary>
    internal const string WebStream = "demo";

    /// <summary>The settings without the password.</summary>
    public override string ToString() =>
        $"{Width}x{Height}@{FramesPerSecond} on {Bind}:{Port}{(WebPort is { } web ? $", web {web}" : string.Empty)}{(User is null ? string.Empty : $", user {User}")}{(Duration is { } duration ? $", for {duration.TotalSeconds} s" : string.Empty)}{(Kinesis is { } kinesis ? $", Kinesis stream {kinesis.StreamName}" : string.Empty)}";
}
