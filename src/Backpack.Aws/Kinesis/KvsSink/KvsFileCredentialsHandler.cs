using Amazon.Runtime;
using Backpack.Aws.Credentials;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// Keeps a credential file for kvssink (its <c>credential-path</c>) and rewrites it with fresh credentials before
/// they expire: the way to give kvssink temporary credentials (an instance or container role, AWS IoT, STS).
/// The original Backpack's <c>KVSFileCredentialsHandler</c>.
/// </summary>
/// <remarks>
/// <para>
/// The file holds one line in kvssink's format, <c>CREDENTIALS &lt;key id&gt; &lt;expiration&gt; &lt;secret&gt; &lt;token&gt;</c>,
/// the expiration as <c>YYYY-MM-DDTHH:mm:SSZ</c> in UTC (long-term keys: <c>CREDENTIALS &lt;key id&gt; &lt;secret&gt;</c>).
/// kvssink reads it when its pipeline starts and again when the credentials it read are within 38 s of their
/// expiration (or 40 min old), so the file must always hold credentials valid well beyond that.
/// </para>
/// <para>
/// Security: <see cref="KvsCredentialsHandler.StartAsync"/> creates a new directory of its own, mode 0700, with an
/// unguessable name (<c>backpack-kvssink-…</c>) in the directory given, else in <c>$XDG_RUNTIME_DIR</c> when set,
/// else in the temporary directory. The file in it, <c>credential</c>, has mode 0600. Every write goes to a temporary
/// file of mode 0600 in the same directory, which is then renamed over the file, so kvssink never reads a part of a
/// file. Disposing removes the file and the directory. Keys, secrets and tokens are never logged; logs name the
/// file, the access key id masked (<c>ASIA****XY</c>) and the expiration.
/// </para>
/// <para>
/// Refresh: the file is rewritten <see cref="RefreshBefore"/> ahead of its credentials' expiration, with
/// credentials from the source (a <see cref="RefreshingAWSCredentials"/> is asked for ones valid longer than
/// that, so it renews them). When the source still returns the old credentials, or fails, it is asked again every
/// 30 s, with a warning when the expiration is near. Credentials whose source knows no expiration (long-term keys,
/// a session token without expiry) are read again every hour; a session token then goes into the file with an
/// expiration one hour ahead, renewed each time.
/// </para>
/// <para>
/// kvssink prefers <c>AWS_ACCESS_KEY_ID</c> and <c>AWS_SECRET_ACCESS_KEY</c> of the process environment to the file:
/// the start fails when the process started with both. Thread safety as <see cref="KvsCredentialsHandler"/>; Linux only.
/// </para>
/// <example>
/// <code>
/// await using var credentials = new KvsFileCredentialsHandler();   // the default chain, e.g. the instance role
/// await credentials.StartAsync();
/// var kvssink = new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = credentials }.Build();
/// </code>
/// </example>
/// </remarks>
public sealed partial class KvsFileCredentialsHandler : KvsCredentialsHandler
{
    /// <summary>How long after a failed refresh, or one that found the old credentials, the source is asked again.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    /// <summary>How often credentials without a known expiration are read again.</summary>
    internal static readonly TimeSpan NominalLifetime = TimeSpan.FromHours(1);

    private readonly KvsCredentialSource _source;
    private readonly string _parentDirectory;
    private readonly TimeProvider _clock;
    private readonly ProcessStartEnvironment.View _environment;
    private readonly Lock _lock = new();
    private KvsCredentialFile? _file;
    private ITimer? _timer;
    private string? _content;
    private string? _maskedAccessKey;
    private DateTimeOffset? _expiration;
    private DateTimeOffset? _nextRefresh;
    private DateTimeOffset? _warnedFor;
    private Task _scheduled = Task.CompletedTask;

    /// <summary>Creates a handler that keeps a credential file for kvssink from <paramref name="credentials"/>.</summary>
    /// <param name="credentials">
    /// Any AWSSDK.Core credentials: temporary ones that refresh (instance or container role, assume-role,
    /// <see cref="TemporaryCredentials"/>), session or long-term keys; <see langword="null"/> (default): the default
    /// AWS credential chain, resolved at <see cref="KvsCredentialsHandler.StartAsync"/>.
    /// </param>
    /// <param name="directory">
    /// An existing directory in which the handler's private directory is created, e.g. a tmpfs such as
    /// <c>/run/backpack</c> so that the secrets never reach a disk; <see langword="null"/> (default):
    /// <c>$XDG_RUNTIME_DIR</c> when set, else the temporary directory.
    /// </param>
    /// <param name="refreshBefore">How long before the credentials expire the file is rewritten; 1 to 30 minutes, default 10 minutes.</param>
    /// <param name="timeProvider">The clock of the refresh schedule and of expiry; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where writes, refreshes and their failures are logged (never a secret); <see langword="null"/>: nowhere.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="refreshBefore"/> is outside 1 to 30 minutes.</exception>
    public KvsFileCredentialsHandler(
        AWSCredentials? credentials = null,
        string? directory = null,
        TimeSpan? refreshBefore = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(credentials, directory, refreshBefore, timeProvider, loggerFactory, ProcessStartEnvironment.View.Process)
    {
    }

    internal KvsFileCredentialsHandler(
        AWSCredentials? credentials,
        string? directory,
        TimeSpan? refreshBefore,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory,
        ProcessStartEnvironment.View environment)
        : base(loggerFactory)
    {
        RefreshBefore = refreshBefore ?? TimeSpan.FromMinutes(10);
        if (RefreshBefore < TimeSpan.FromMinutes(1) || RefreshBefore > TimeSpan.FromMinutes(30))
        {
            throw new ArgumentOutOfRangeException(nameof(refreshBefore), RefreshBefore,
                "How long before expiry kvssink's credential file is rewritten must be 1 to 30 minutes (kvssink reads the file again 38 s before its credentials expire).");
        }
        if (directory is not null)
        {
            if (string.IsNullOrWhiteSpace(directory))
            {
                throw new ArgumentException("The directory for kvssink's credential file is empty; give an existing directory, or null for the default.", nameof(directory));
            }
            if (!Directory.Exists(directory))
            {
                throw new ArgumentException($"The directory for kvssink's credential file, {directory}, does not exist; the handler creates its private directory inside an existing one.", nameof(directory));
            }
        }
        _parentDirectory = Path.GetFullPath(directory ?? DefaultParentDirectory());
        _source = new KvsCredentialSource(credentials);
        _clock = timeProvider ?? TimeProvider.System;
        _environment = environment;
    }

    /// <summary>How long before the credentials expire the file is rewritten.</summary>
    public TimeSpan RefreshBefore { get; }

    /// <summary>The credential file (absolute path) once started; <see langword="null"/> before and after disposal.</summary>
    public string? FilePath
    {
        get
        {
            lock (_lock)
            {
                return _file?.FilePath;
            }
        }
    }

    /// <summary>When the credentials in the file expire (UTC, whole seconds, as written); <see langword="null"/> before start, after disposal and for long-term keys.</summary>
    public DateTimeOffset? Expiration
    {
        get
        {
            lock (_lock)
            {
                return _expiration;
            }
        }
    }

    /// <summary>When the source is next asked for credentials (UTC, by the handler's clock); <see langword="null"/> before start and after disposal.</summary>
    public DateTimeOffset? NextRefresh
    {
        get
        {
            lock (_lock)
            {
                return _nextRefresh;
            }
        }
    }

    /// <summary>The refresh the timer started last, for tests to wait on.</summary>
    internal Task ScheduledRefresh
    {
        get
        {
            lock (_lock)
            {
                return _scheduled;
            }
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        var file = Detach();
        if (file is null)
        {
            return;
        }
        if (file.Delete() is { } problem)
        {
            LogRemoveFailed(Logger, file.DirectoryPath, problem);
        }
        else
        {
            LogRemoved(Logger, file.FilePath);
        }
    }

    private protected override async Task<string> StartCoreAsync(CancellationToken cancellationToken)
    {
        var environment = _environment.Get(ProcessStartEnvironment.AccessKeyId, ProcessStartEnvironment.SecretAccessKey);
        if (environment[ProcessStartEnvironment.AccessKeyId].AtStart is not null && environment[ProcessStartEnvironment.SecretAccessKey].AtStart is not null)
        {
            throw new InvalidOperationException(
                $"The process started with {ProcessStartEnvironment.AccessKeyId} and {ProcessStartEnvironment.SecretAccessKey} in its environment; kvssink prefers them " +
                "to a credential file and would never read it. Start the process without them, or use KvsEnvironmentCredentialsHandler.");
        }
        var (credentials, expiration) = await _source.FetchAsync(RefreshBefore + RetryInterval, cancellationToken).ConfigureAwait(false);
        _source.Validate(credentials, forFile: true);
        var file = KvsCredentialFile.Create(_parentDirectory);
        try
        {
            lock (_lock)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _file = file;
                _timer = BackgroundWork.CreateTimer(_clock, "kvssink credential file refresh timer", Logger, this, static handler => handler.OnTimer(), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                Apply(credentials, expiration);
            }
        }
        catch
        {
            Detach();
            file.Delete();
            throw;
        }
        return "credential-path=" + GstSyntax.PropertyValue(file.FilePath);
    }

    private protected override async Task<string> RefreshCoreAsync(CancellationToken cancellationToken)
    {
        var (credentials, expiration) = await _source.FetchAsync(RefreshBefore + RetryInterval, cancellationToken).ConfigureAwait(false);
        _source.Validate(credentials, forFile: true);
        lock (_lock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = _file ?? throw new ObjectDisposedException(GetType().Name);
            Apply(credentials, expiration);
            return "credential-path=" + GstSyntax.PropertyValue(file.FilePath);
        }
    }

    private protected override string Mask(string fragment) => fragment;

    private protected override string Describe()
    {
        lock (_lock)
        {
            if (_file is null)
            {
                return IsDisposed ? "disposed" : "not started";
            }
            var expires = _expiration is { } expiration ? $"expires {expiration:O}" : "no expiration";
            return $"file {_file.FilePath}, access key {_maskedAccessKey}, {expires}, next refresh {_nextRefresh:O}";
        }
    }

    /// <summary>Writes the credentials if they differ from the file's, and schedules the next refresh. Under the lock.</summary>
    private void Apply(ImmutableCredentials credentials, DateTimeOffset? expiration)
    {
        var file = _file!;
        var now = _clock.GetUtcNow();
        if (expiration is { } expires && expires <= now)
        {
            throw new InvalidOperationException(
                $"{_source.Description} returned AWS credentials that expired at {expires:O}" +
                (_expiration is { } held ? $"; kvssink's credential file keeps the ones that expire at {held:O}." : "."));
        }
        // A token whose source knows no expiry goes into the file with a nominal one, renewed at each refresh; the
        // file's expiration is whole seconds, cut, so it is never later than the credentials' own.
        var written = expiration ?? (credentials.UseToken ? now + NominalLifetime : null);
        written = written is { } w ? new DateTimeOffset(w.UtcTicks - (w.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero) : null;
        var content = KvsCredentialFile.Format(credentials, written);
        if (content != _content)
        {
            file.Write(content);
            _content = content;
            _expiration = written;
            _maskedAccessKey = TemporaryCredentials.Mask(credentials.AccessKey);
            if (written is { } writtenExpiration)
            {
                LogWritten(Logger, file.FilePath, _maskedAccessKey, writtenExpiration);
            }
            else
            {
                LogWrittenLongTerm(Logger, file.FilePath, _maskedAccessKey);
            }
        }
        var validUntil = _expiration ?? now + NominalLifetime;
        var due = validUntil - RefreshBefore;
        if (due < now + RetryInterval)
        {
            due = now + RetryInterval;
            var left = validUntil - now;
            var warnWithin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(2).Ticks, RefreshBefore.Ticks / 2));
            if (left <= warnWithin && _warnedFor != validUntil)
            {
                _warnedFor = validUntil;
                LogNotRenewed(Logger, _source.Description, file.FilePath, validUntil);
            }
            else
            {
                LogNotRenewedYet(Logger, _source.Description, validUntil, due);
            }
        }
        Schedule(due, now);
    }

    /// <summary>Stops the timer and forgets the file, returning it for removal.</summary>
    private KvsCredentialFile? Detach()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            var file = _file;
            _file = null;
            _content = null;
            _expiration = null;
            _nextRefresh = null;
            return file;
        }
    }

    private void Schedule(DateTimeOffset due, DateTimeOffset now)
    {
        _nextRefresh = due;
        _timer?.Change(due - now, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        var refresh = RefreshFromTimerAsync();
        lock (_lock)
        {
            _scheduled = refresh;
        }
    }

    private async Task RefreshFromTimerAsync()
    {
        await Task.Yield();
        try
        {
            await RefreshAsync(Stopping).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ObjectDisposedException || (exception is OperationCanceledException && Stopping.IsCancellationRequested))
        {
            // Disposed meanwhile: nothing to refresh any more.
        }
        catch (Exception exception)
        {
            lock (_lock)
            {
                if (_file is null || IsDisposed)
                {
                    return;
                }
                var now = _clock.GetUtcNow();
                if (_expiration is { } expiration && expiration <= now)
                {
                    LogRefreshFailedExpired(Logger, _file.FilePath, exception.GetType().Name, exception.Message, expiration, RetryInterval);
                }
                else
                {
                    LogRefreshFailed(Logger, _file.FilePath, exception.GetType().Name, exception.Message, _expiration, RetryInterval);
                }
                Schedule(now + RetryInterval, now);
            }
        }
    }

    private static string DefaultParentDirectory() =>
        Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Path.IsPathFullyQualified(runtime) && Directory.Exists(runtime)
            ? runtime
            : Path.GetTempPath();

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote kvssink's credential file {Path}: access key {AccessKey}, expires {Expiration:O}")]
    private static partial void LogWritten(ILogger logger, string path, string accessKey, DateTimeOffset expiration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote kvssink's credential file {Path}: long-term access key {AccessKey}, no expiration")]
    private static partial void LogWrittenLongTerm(ILogger logger, string path, string accessKey);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Source} has not renewed the AWS credentials that expire at {Expiration:O} yet; asking again at {Due:O}")]
    private static partial void LogNotRenewedYet(ILogger logger, string source, DateTimeOffset expiration, DateTimeOffset due);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source} has not renewed the AWS credentials in kvssink's credential file {Path}, which expire at {Expiration:O}; kvssink stops streaming once they expire")]
    private static partial void LogNotRenewed(ILogger logger, string source, string path, DateTimeOffset expiration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing kvssink's credential file {Path} failed ({ErrorType}: {ErrorMessage}); the credentials in it expire at {Expiration:O} (none: long-term keys); retrying in {Retry}")]
    private static partial void LogRefreshFailed(ILogger logger, string path, string errorType, string errorMessage, DateTimeOffset? expiration, TimeSpan retry);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing kvssink's credential file {Path} failed ({ErrorType}: {ErrorMessage}) and its credentials expired at {Expiration:O}: kvssink cannot stream; retrying in {Retry}")]
    private static partial void LogRefreshFailedExpired(ILogger logger, string path, string errorType, string errorMessage, DateTimeOffset expiration, TimeSpan retry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed kvssink's credential file {Path} and its directory")]
    private static partial void LogRemoved(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove kvssink's credential directory {Directory}: {Reason}")]
    private static partial void LogRemoveFailed(ILogger logger, string directory, string reason);
}
