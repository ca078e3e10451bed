using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// How <c>kvssink</c> (the Kinesis Video Streams Producer SDK's GStreamer element) gets its AWS credentials: the
/// properties a handler adds to kvssink's description, and the handler's lifecycle (start, refresh, dispose).
/// The original Backpack's <c>KVSCredentialsHandler</c>.
/// </summary>
/// <remarks>
/// <para>
/// Three handlers exist, as in the original: <see cref="KvsInlineCredentialsHandler"/> (the keys in the
/// description), <see cref="KvsEnvironmentCredentialsHandler"/> (kvssink reads <c>AWS_ACCESS_KEY_ID</c> and
/// friends from the process environment) and <see cref="KvsFileCredentialsHandler"/> (a credential file kept fresh
/// for kvssink; the one for temporary credentials). No other type can derive from this class.
/// </para>
/// <para>
/// Lifecycle: <see cref="StartAsync"/> once, before the first pipeline with kvssink starts (it resolves the
/// credentials, writes or checks what kvssink will read and gives <see cref="GetPropertyFragment"/> its value);
/// <see cref="RefreshAsync"/> whenever the credentials should be read again now; <see cref="DisposeAsync"/> or
/// <see cref="Dispose()"/> when no pipeline uses the handler any more. <see cref="KvsSinkDescriptionBuilder"/> puts
/// the fragment into kvssink's description.
/// </para>
/// <para>
/// Thread safety: every member may be called from any thread; starts and refreshes run one at a time.
/// Secrets never appear in <see cref="ToString"/>, logs or exception messages; only
/// <see cref="GetPropertyFragment"/> returns them, for the description (SkyLine masks them when it logs a description).
/// </para>
/// </remarks>
public abstract class KvsCredentialsHandler : IAsyncDisposable, IDisposable
{
    // Never disposed: a SemaphoreSlim whose AvailableWaitHandle is never asked for holds nothing to release, and
    // disposing it would fail a start or refresh that is releasing it.
    private readonly SemaphoreSlim _operation = new(1, 1);
    // Never disposed either, for the same reason: no CancelAfter, so no timer; cancelled once, at dispose.
    private readonly CancellationTokenSource _stopping = new();
    private volatile string? _fragment;
    private volatile bool _disposed;

    private protected KvsCredentialsHandler(ILoggerFactory? loggerFactory) =>
        Logger = ContainedLoggerFactory.Wrap(loggerFactory).CreateLogger(GetType());

    /// <summary>True once <see cref="StartAsync"/> succeeded and until the handler is disposed.</summary>
    public bool IsStarted => _fragment is not null && !_disposed;

    /// <summary>True once <see cref="Dispose()"/> or <see cref="DisposeAsync"/> was called.</summary>
    public bool IsDisposed => _disposed;

    private protected ILogger Logger { get; }

    /// <summary>Cancelled when the handler is disposed; passed to the work of starts and refreshes.</summary>
    private protected CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Prepares the credentials for kvssink: resolves them, writes or checks what kvssink reads, and starts the
    /// handler's own refresh where it has one. Calling it again once started does nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start; the handler is then left not started.</param>
    /// <exception cref="InvalidOperationException">No usable credentials; the message says what is missing or wrong (never a secret).</exception>
    /// <exception cref="ObjectDisposedException">The handler was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_fragment is not null)
            {
                return;
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            _fragment = await StartCoreAsync(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _operation.Release();
        }
    }

    /// <summary>
    /// Reads the credentials again now: the file handler rewrites its file if they changed, the inline handler
    /// takes new keys into its fragment (for pipelines started afterwards; a running kvssink keeps the keys it
    /// started with), the environment handler checks the variables again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the refresh; what kvssink reads stays as it was.</param>
    /// <exception cref="InvalidOperationException">The handler is not started, or no usable credentials could be obtained.</exception>
    /// <exception cref="ObjectDisposedException">The handler was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_fragment is null)
            {
                throw new InvalidOperationException($"{GetType().Name} is not started: await StartAsync before RefreshAsync.");
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            _fragment = await RefreshCoreAsync(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _operation.Release();
        }
    }

    /// <summary>
    /// The kvssink properties this handler contributes, in gst-launch syntax, values quoted where needed:
    /// <c>access-key=… secret-key=… session-token=…</c> (inline), <c>credential-path=/run/…/credential</c> (file),
    /// or the empty string (environment). Holds secrets for the inline handler: never log it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The handler is not started.</exception>
    /// <exception cref="ObjectDisposedException">The handler was disposed.</exception>
    public string GetPropertyFragment()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _fragment ?? throw new InvalidOperationException(
            $"{GetType().Name} is not started: await StartAsync before building kvssink's description.");
    }

    /// <summary>What <see cref="GetPropertyFragment"/> returns with every secret value replaced by <c>***</c>.</summary>
    internal string GetMaskedPropertyFragment() => _fragment is { } fragment ? Mask(fragment) : "";

    /// <summary>Stops the handler's refresh and removes what it wrote (the file handler's file and directory). Idempotent.</summary>
    /// <remarks>Does not wait for a start or refresh under way (it is cancelled and writes nothing more); <see cref="DisposeAsync"/> does.</remarks>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>As <see cref="Dispose()"/>, after waiting for a start or refresh under way to end. Idempotent.</summary>
    /// <returns>Completes when nothing of the handler runs any more and what it wrote is removed.</returns>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _operation.WaitAsync().ConfigureAwait(false);
        try
        {
            Dispose(true);
        }
        finally
        {
            _operation.Release();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the handler holds; overrides call this base.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/> and <see cref="DisposeAsync"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        _disposed = true;
        _stopping.Cancel();
    }

    /// <summary>The handler's type and state; never a secret.</summary>
    public override string ToString() => $"{GetType().Name}({Describe()})";

    private protected abstract Task<string> StartCoreAsync(CancellationToken cancellationToken);

    private protected abstract Task<string> RefreshCoreAsync(CancellationToken cancellationToken);

    /// <summary>The fragment with its secrets masked.</summary>
    private protected abstract string Mask(string fragment);

    /// <summary>What <see cref="ToString"/> shows inside the parentheses.</summary>
    private protected abstract string Describe();
}
