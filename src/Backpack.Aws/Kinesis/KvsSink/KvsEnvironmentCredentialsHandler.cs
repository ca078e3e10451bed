using Backpack.Aws.Credentials;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// Lets kvssink read its credentials from the process environment: <c>AWS_ACCESS_KEY_ID</c>,
/// <c>AWS_SECRET_ACCESS_KEY</c> and, optionally, <c>AWS_SESSION_TOKEN</c>. Adds nothing to kvssink's description.
/// The original Backpack's <c>KVSEnvironmentCredentialsHandler</c>, which set the variables itself; this one only checks them.
/// </summary>
/// <remarks>
/// <para>
/// The variables must be in the environment when the process starts (the service unit, <c>docker run -e</c>,
/// the shell). This handler never sets them: changing the environment while GStreamer's threads may read it
/// is unsafe, and .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only the managed
/// copy on Linux, which kvssink (native code) never sees. <see cref="KvsCredentialsHandler.StartAsync"/> checks
/// the environment the process started with (<c>/proc/self/environ</c>) and fails, naming the variables, when
/// one is missing or empty, or was set only through .NET.
/// </para>
/// <para>
/// kvssink reads the variables when its pipeline starts and never again: a session token there expires
/// and is not renewed (a warning at start says so). For temporary credentials use <see cref="KvsFileCredentialsHandler"/>.
/// Thread safety as <see cref="KvsCredentialsHandler"/>.
/// </para>
/// </remarks>
public sealed partial class KvsEnvironmentCredentialsHandler : KvsCredentialsHandler
{
    private static readonly string[] Names = [ProcessStartEnvironment.AccessKeyId, ProcessStartEnvironment.SecretAccessKey, ProcessStartEnvironment.SessionToken];
    private readonly ProcessStartEnvironment.View _environment;
    private volatile string? _state;

    /// <summary>Creates a handler that checks, at start, that kvssink will find credentials in the process environment.</summary>
    /// <param name="loggerFactory">Where the check and its warnings are logged (variable names only, never values); <see langword="null"/>: nowhere.</param>
    public KvsEnvironmentCredentialsHandler(ILoggerFactory? loggerFactory = null)
        : this(ProcessStartEnvironment.View.Process, loggerFactory)
    {
    }

    internal KvsEnvironmentCredentialsHandler(ProcessStartEnvironment.View environment, ILoggerFactory? loggerFactory)
        : base(loggerFactory) =>
        _environment = environment;

    private protected override Task<string> StartCoreAsync(CancellationToken cancellationToken) => Task.FromResult(Check());

    private protected override Task<string> RefreshCoreAsync(CancellationToken cancellationToken) => Task.FromResult(Check());

    private protected override string Mask(string fragment) => fragment;

    private protected override string Describe() => _state ?? "not started";

    private string Check()
    {
        var values = _environment.Get(Names);
        var problems = new List<string>();
        foreach (var name in Names[..2])
        {
            var (atStart, managed) = values[name];
            if (string.IsNullOrEmpty(atStart))
            {
                problems.Add(string.IsNullOrEmpty(managed)
                    ? $"{name} is not set"
                    : $"{name} was set through .NET's Environment.SetEnvironmentVariable, which kvssink (native code) never sees");
            }
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"kvssink will find no AWS credentials in the process environment: {string.Join("; ", problems)}. " +
                $"Set {Names[0]} and {Names[1]} (and {Names[2]} for temporary credentials) in the environment the process starts with, " +
                "or use KvsFileCredentialsHandler.");
        }
        foreach (var name in Names)
        {
            var (atStart, managed) = values[name];
            if (!string.IsNullOrEmpty(atStart) && managed != atStart)
            {
                LogChangedInDotNet(Logger, name);
            }
        }
        var accessKey = TemporaryCredentials.Mask(values[Names[0]].AtStart!);
        var hasToken = !string.IsNullOrEmpty(values[Names[2]].AtStart);
        if (hasToken)
        {
            LogSessionToken(Logger, accessKey, Names[2]);
        }
        else
        {
            LogFound(Logger, accessKey);
        }
        _state = $"access key {accessKey} from {Names[0]}{(hasToken ? $", with {Names[2]}" : "")}";
        return "";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "kvssink will read AWS access key {AccessKey} from the process environment")]
    private static partial void LogFound(ILogger logger, string accessKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "kvssink will read the temporary AWS credentials {AccessKey} with {Variable} from the process environment; it cannot renew them and stops streaming when they expire: use KvsFileCredentialsHandler for temporary credentials")]
    private static partial void LogSessionToken(ILogger logger, string accessKey, string variable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Variable} was changed through .NET after the process started; kvssink reads the value the process started with")]
    private static partial void LogChangedInDotNet(ILogger logger, string variable);
}
