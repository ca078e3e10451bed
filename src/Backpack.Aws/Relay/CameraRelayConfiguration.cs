using Microsoft.Extensions.Configuration;

namespace Backpack.Aws.Relay;

/// <summary>Reads a relay configuration (<see cref="CameraRelayOptions"/>) from any <see cref="IConfiguration"/> and checks it.</summary>
/// <example>
/// <code>
/// var configuration = new ConfigurationBuilder()
///     .AddJsonFile("/etc/backpack/relay.json")
///     .AddEnvironmentVariables(CameraRelayConfiguration.EnvironmentPrefix)   // BACKPACK_RELAY_kinesis__region=eu-west-1
///     .Build();
/// var options = CameraRelayConfiguration.Read(configuration, "/etc/backpack");
/// </code>
/// </example>
public static class CameraRelayConfiguration
{
    /// <summary>
    /// The prefix of environment variables that override the file: <c>BACKPACK_RELAY_</c> followed by the setting's
    /// path with <c>__</c> between names, such as <c>BACKPACK_RELAY_kinesis__region</c> or <c>BACKPACK_RELAY_cameras__0__enabled</c>.
    /// </summary>
    public const string EnvironmentPrefix = "BACKPACK_RELAY_";

    /// <summary>
    /// Binds <paramref name="configuration"/> and checks everything a relay needs: settings and their types, every
    /// camera (name, source, video), the outputs, and the files the <c>iot</c> section names (present, private keys
    /// owner-only).
    /// </summary>
    /// <param name="configuration">The configuration root (its top-level names are <c>cameras</c>, <c>video</c>, <c>kinesis</c>, ...).</param>
    /// <param name="baseDirectory">Where relative paths start: the configuration file's folder.</param>
    /// <returns>The options, with <see cref="CameraRelayOptions.Video"/> never null.</returns>
    /// <exception cref="CameraRelayConfigurationException">Something cannot be used; every problem is listed, each naming its setting.</exception>
    /// <remarks>Thread-safe: it only reads.</remarks>
    public static CameraRelayOptions Read(IConfiguration configuration, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseDirectory);
        var problems = new List<string>();
        RelayConfigurationSchema.Check(configuration, problems);
        if (problems.Count > 0)
        {
            // Binding would fail, or guess: nothing more can be checked reliably.
            throw new CameraRelayConfigurationException(problems);
        }
        var options = configuration.Get<CameraRelayOptions>() ?? new CameraRelayOptions();
        options.Video ??= new RelayVideoOptions();
        // A section that is present but empty ("rtsp": {}) still switches its output on.
        options.Kinesis ??= IsPresent(configuration, "kinesis") ? new RelayKinesisOptions() : null;
        options.Rtsp ??= IsPresent(configuration, "rtsp") ? new RelayRtspOptions() : null;
        options.Iot ??= IsPresent(configuration, "iot") ? new RelayIotOptions() : null;
        RelayPlan.Resolve(options, Path.GetFullPath(baseDirectory), problems);
        return problems.Count == 0 ? options : throw new CameraRelayConfigurationException(problems);
    }

    private static bool IsPresent(IConfiguration configuration, string section) =>
        configuration.GetChildren().Any(child => string.Equals(child.Key, section, StringComparison.OrdinalIgnoreCase));
}
