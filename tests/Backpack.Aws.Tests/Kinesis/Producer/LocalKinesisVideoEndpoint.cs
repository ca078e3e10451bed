using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.Runtime.Internal.Auth;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Kinesis.ControlPlane;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>
/// A local Kinesis Video Streams endpoint for the producer's tests: the control plane
/// (<see cref="FakeKinesisVideoControlPlane"/>: /describeStream, /createStream, /getDataEndpoint, which answers this
/// endpoint's data server) and a Kestrel data server (HTTP/1.1, plain http on 127.0.0.1) serving <c>POST /putMedia</c>
/// as the service does: it checks the SigV4 signature (payload hash SHA256(""), no x-amz-content-sha256, signing name
/// <c>kinesisvideo</c>) and the PutMedia headers, answers 200 at once and then reads the MKV body while it writes the
/// ACKs (BUFFERING, RECEIVED, PERSISTED, IDLE, ERROR) on the response. What the service would reject by an ERROR ACK
/// gets one and the request closes; every other departure from the Matroska layout the SDK sends is a
/// <see cref="Violations"/> entry. Faults can be injected while it runs (thread-safe).
/// </summary>
internal sealed partial class LocalKinesisVideoEndpoint : IAsyncDisposable
{
    /// <summary>The error type namespace KVS puts after the exception name in x-amzn-ErrorType.</summary>
    private const string ErrorNamespace = ":http://internal.amazon.com/coral/com.amazonaws.kinesis.video.v20170930/";

    private const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly ConcurrentQueue<KvsPutMediaRequest> _requests = new();
    private readonly ConcurrentDictionary<string, KvsStreamRecord> _streams = new(StringComparer.Ordinal);
    private readonly List<KvsSessionRecord> _sessions = [];
    private readonly Lock _faults = new();
    private readonly TestCredentials _credentials;
    private FakeKinesisVideoControlPlane _controlPlane = null!;
    private LocalHttpServer _data = null!;
    private long _fragmentNumbers;
    private int _refusedConnections;

    // Faults (under _faults).
    private long _refuseUntil; // Environment.TickCount64
    private long? _dropAfterBytes;
    private (int ErrorId, string ErrorCode)? _nextFragmentError;
    private int _throttleCalls;
    private int _expiredCalls;
    private TimeSpan _ackDelay;
    private TimeSpan? _maxConnectionDuration;

    private LocalKinesisVideoEndpoint(string region, TestCredentials credentials, int retentionHours)
    {
        Region = region;
        _credentials = credentials;
        DefaultRetentionHours = retentionHours;
    }

    public string Region { get; }

    /// <summary>The retention <see cref="AddStream"/> gives a stream unless told otherwise.</summary>
    public int DefaultRetentionHours { get; }

    /// <summary>The control plane fake (streams, its requests, its own fault hooks).</summary>
    public FakeKinesisVideoControlPlane ControlPlane => _controlPlane;

    /// <summary>The control plane's base URL (what the producer's EndpointUrl points at).</summary>
    public Uri ControlPlaneUrl => _controlPlane.Url;

    /// <summary>The data server's base URL: GetDataEndpoint answers it; PutMedia is <c>POST {DataUrl}putMedia</c>.</summary>
    public Uri DataUrl => _data.Url;

    /// <summary>How long after RECEIVED a fragment is PERSISTED (streams with retention &gt; 0). Default 10 ms.</summary>
    public TimeSpan PersistDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>An IDLE ACK is sent every this long without data. Default 3 s.</summary>
    public TimeSpan IdleAckInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The request is closed after this long without data. Default 30 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem found in a request or its MKV body; the producer's tests assert it empty.</summary>
    public IReadOnlyList<string> Violations => _violations.ToArray();

    /// <summary>Departures the service tolerates (e.g. a fragment that does not start with a key frame at 0).</summary>
    public IReadOnlyList<string> Warnings => _warnings.ToArray();

    /// <summary>Every PutMedia request, accepted or refused, with its headers and the status it got.</summary>
    public IReadOnlyList<KvsPutMediaRequest> PutMediaRequests => _requests.ToArray();

    /// <summary>Every session (accepted PutMedia), by <see cref="KvsSessionRecord.Index"/>.</summary>
    public IReadOnlyList<KvsSessionRecord> Sessions
    {
        get
        {
            lock (_sessions)
            {
                return _sessions.ToArray();
            }
        }
    }

    /// <summary>Connections reset because of <see cref="RefuseConnectionsFor"/>.</summary>
    public int RefusedConnections => Volatile.Read(ref _refusedConnections);

    /// <summary>Every ACK is written this long after it is due (slow ACKs). Default zero.</summary>
    public TimeSpan AckDelay
    {
        get
        {
            lock (_faults)
            {
                return _ackDelay;
            }
        }
        set
        {
            lock (_faults)
            {
                _ackDelay = value;
            }
        }
    }

    /// <summary>A session older than this gets ERROR 4003 MAX_CONNECTION_DURATION_REACHED and closes. Default none.</summary>
    public TimeSpan? MaxConnectionDuration
    {
        get
        {
            lock (_faults)
            {
                return _maxConnectionDuration;
            }
        }
        set
        {
            lock (_faults)
            {
                _maxConnectionDuration = value;
            }
        }
    }

    public static async Task<LocalKinesisVideoEndpoint> StartAsync(string region = "eu-west-1", TestCredentials? credentials = null, int retentionHours = 2)
    {
        var endpoint = new LocalKinesisVideoEndpoint(region, credentials ?? TestCredentials.Default, retentionHours);
        endpoint._data = await LocalHttpServer.StartAsync(
            endpoint.HandleAsync,
            options =>
            {
                // A PutMedia body is endless and may pause for long; the service closes idle requests itself (IdleTimeout).
                options.Limits.MaxRequestBodySize = null;
                options.Limits.MinRequestBodyDataRate = null;
                options.Limits.MinResponseDataRate = null;
                options.AllowSynchronousIO = false;
            },
            listen => ConfigureListener(endpoint, listen));
        endpoint._controlPlane = await FakeKinesisVideoControlPlane.StartAsync(region, endpoint._credentials);
        endpoint._controlPlane.DataEndpoint = _ => endpoint.DataUrl.GetLeftPart(UriPartial.Authority);
        return endpoint;
    }

    /// <summary>HTTP/1.1 only (chunked upload, full duplex), and the connection refusal of <see cref="RefuseConnectionsFor"/>.</summary>
    private static void ConfigureListener(LocalKinesisVideoEndpoint endpoint, ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1;
        listen.Use(next => async connection =>
            {
                if (endpoint.Refusing)
                {
                    // Reset at once (SO_LINGER 0 ⇒ RST): the client's connect or first read fails with "connection reset".
                    Interlocked.Increment(ref endpoint._refusedConnections);
                    if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
                    {
                        socket.LingerState = new LingerOption(true, 0);
                    }
                    connection.Abort();
                    return;
                }
                await next(connection);
            });
    }

    /// <summary>Adds an ACTIVE (or <paramref name="status"/>) stream, as if created long ago.</summary>
    public void AddStream(string name, int? retentionHours = null, string status = "ACTIVE") =>
        _controlPlane.AddStream(name, status, retentionHours ?? DefaultRetentionHours);

    /// <summary>What the endpoint recorded for a stream (an empty record before its first fragment).</summary>
    public KvsStreamRecord Stream(string name) => _streams.GetOrAdd(name, n => new KvsStreamRecord(n));

    /// <summary>Refuses every new connection to the data server for <paramref name="duration"/>: accepted by the kernel, then reset at once (RST, no byte answered); open connections are kept.</summary>
    public void RefuseConnectionsFor(TimeSpan duration)
    {
        lock (_faults)
        {
            _refuseUntil = Environment.TickCount64 + (long)duration.TotalMilliseconds;
        }
    }

    /// <summary>The first session whose body reaches <paramref name="bytes"/> bytes is aborted there (connection reset, no end of response).</summary>
    public void DropConnectionAfterBytes(long bytes)
    {
        lock (_faults)
        {
            _dropAfterBytes = bytes;
        }
    }

    /// <summary>The next fragment to start (in any session) gets this ERROR ACK instead of BUFFERING; then its request closes.</summary>
    public void FailNextFragment(int errorId, string errorCode)
    {
        lock (_faults)
        {
            _nextFragmentError = (errorId, errorCode);
        }
    }

    /// <summary>The next <paramref name="calls"/> PutMedia calls get 400 ClientLimitExceededException (throttling).</summary>
    public void ThrottleNextCalls(int calls)
    {
        lock (_faults)
        {
            _throttleCalls = calls;
        }
    }

    /// <summary>The next <paramref name="calls"/> PutMedia calls get 403 ExpiredTokenException (expired credentials).</summary>
    public void ExpireCredentialsForNextCalls(int calls)
    {
        lock (_faults)
        {
            _expiredCalls = calls;
        }
    }

    /// <summary>Writes one session's raw body (EBML header, Segment, clusters as sent) to a file, for mkvinfo or ffprobe.</summary>
    public void WriteSessionToFile(int sessionIndex, string path) => File.WriteAllBytes(path, Sessions.Single(s => s.Index == sessionIndex).Bytes);

    /// <summary>
    /// Writes one playable .mkv of a stream: the header (EBML, Segment, Info, Tracks) of its first session and then every
    /// unique fragment (duplicates left out), by timecode, from the session it came in.
    /// </summary>
    public void WriteUniqueFragmentsToFile(string streamName, string path)
    {
        var fragments = Stream(streamName).UniqueFragments;
        if (fragments.Count == 0)
        {
            throw new InvalidOperationException($"The stream {streamName} has no fragment.");
        }
        var sessions = Sessions.ToDictionary(s => s.Index);
        var first = sessions[fragments.Min(f => f.SessionIndex)];
        var firstCluster = Stream(streamName).Fragments.Where(f => f.SessionIndex == first.Index).Min(f => f.SessionOffset);
        using var file = File.Create(path);
        file.Write(first.Slice(0, firstCluster));
        foreach (var fragment in fragments)
        {
            file.Write(sessions[fragment.SessionIndex].Slice(fragment.SessionOffset, fragment.ByteSize));
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polling), or throws after <paramref name="timeout"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) => WaitUntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds (polling), or throws after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
            }
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _data.DisposeAsync();
        await _controlPlane.DisposeAsync();
    }

    internal string NextFragmentNumber() =>
        "91343852333181432" + Interlocked.Increment(ref _fragmentNumbers).ToString("D30", CultureInfo.InvariantCulture);

    internal void Violation(string message) => _violations.Enqueue(message);

    internal void Warn(string message) => _warnings.Enqueue(message);

    internal void MarkStreaming(string streamName) => _controlPlane.Streaming[streamName] = true;

    /// <summary>The armed drop threshold when a session's body has reached it (disarming it), else null.</summary>
    internal long? TakeDropFault(long sessionBytes)
    {
        lock (_faults)
        {
            if (_dropAfterBytes is { } limit && sessionBytes >= limit)
            {
                _dropAfterBytes = null;
                return limit;
            }
            return null;
        }
    }

    internal (int ErrorId, string ErrorCode)? TakeFragmentErrorFault()
    {
        lock (_faults)
        {
            var fault = _nextFragmentError;
            _nextFragmentError = null;
            return fault;
        }
    }

    private bool Refusing
    {
        get
        {
            lock (_faults)
            {
                return Environment.TickCount64 < _refuseUntil;
            }
        }
    }

    private bool TakeCall(ref int counter)
    {
        lock (_faults)
        {
            if (counter <= 0)
            {
                return false;
            }
            counter--;
            return true;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (request.Method != "POST" || request.Path != "/putMedia")
        {
            await RefuseAsync(context, headers, 404, "UnknownOperationException", $"{request.Method} {request.Path} is not an operation of this endpoint.");
            return;
        }
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (TakeCall(ref _expiredCalls))
        {
            await RefuseAsync(context, headers, 403, "ExpiredTokenException", "The security token included in the request is expired");
            return;
        }
        if (SignatureProblem(request.Method, rawTarget, headers) is { } signatureProblem)
        {
            await RefuseAsync(context, headers, 403, signatureProblem.StartsWith("Missing Authentication", StringComparison.Ordinal) ? "MissingAuthenticationTokenException" : "InvalidSignatureException", signatureProblem);
            return;
        }
        if (_credentials.ExpiresAt(AccessKeyOf(headers)) is { } expiresAt && expiresAt <= DateTimeOffset.UtcNow)
        {
            await RefuseAsync(context, headers, 403, "ExpiredTokenException", "The security token included in the request is expired");
            return;
        }
        if (TakeCall(ref _throttleCalls))
        {
            await RefuseAsync(context, headers, 400, "ClientLimitExceededException", "Recorded request rate of PutMedia API exceeds the limit for this stream.");
            return;
        }
        if (HeaderProblem(headers) is { } headerProblem)
        {
            await RefuseAsync(context, headers, 400, "InvalidArgumentException", headerProblem);
            return;
        }
        var name = headers["x-amzn-stream-name"];
        if (_controlPlane.StatusOf(name) != "ACTIVE")
        {
            await RefuseAsync(context, headers, 404, "ResourceNotFoundException", $"The requested stream {name} is not found or not active.");
            return;
        }

        // Accepted: 200 at once, then the ACKs stream while the body is read.
        KvsSessionRecord record;
        lock (_sessions)
        {
            record = new KvsSessionRecord { Index = _sessions.Count, StreamName = name, Headers = headers, AccessKey = AccessKeyOf(headers) };
            _sessions.Add(record);
        }
        var stream = Stream(name);
        stream.AddSession(record.Index);
        _requests.Enqueue(new KvsPutMediaRequest(headers, 200, null, null, record.Index));
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        using var session = new PutMediaSession(this, context, stream, record, _controlPlane.RetentionOf(name) ?? 0);
        await session.RunAsync();
    }

    private async Task RefuseAsync(HttpContext context, Dictionary<string, string> headers, int status, string errorType, string message)
    {
        _requests.Enqueue(new KvsPutMediaRequest(headers, status, errorType, message, null));
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { Message = message }));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        context.Response.Headers["x-amzn-ErrorType"] = errorType + ErrorNamespace;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.Headers.Connection = "close";
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>
    /// The SigV4 check of a PutMedia request as the producer SDK signs it: the canonical request over the headers named
    /// in SignedHeaders with the payload hash SHA256("") (the chunked body is not signed), and the signature computed by
    /// AWSSDK.Core's own AWS4Signer. Null when the service would accept it.
    /// </summary>
    private string? SignatureProblem(string method, string rawTarget, Dictionary<string, string> headers)
    {
        if (FakeAwsService.AuthenticationProblem(headers, "kinesisvideo", Region, _credentials, TimeProvider.System, out var auth) is { } problem)
        {
            return problem;
        }
        var signed = auth.SignedHeaders.Split(';');
        foreach (var required in new[] { "host", "x-amz-date" })
        {
            if (!signed.Contains(required, StringComparer.Ordinal))
            {
                return $"'{required}' must be a signed header.";
            }
        }
        if (signed.Any(name => name.Any(char.IsUpper)) || !signed.SequenceEqual(signed.Order(StringComparer.Ordinal)))
        {
            return "SignedHeaders must be lower case and sorted.";
        }
        var canonical = new StringBuilder();
        var questionMark = rawTarget.IndexOf('?', StringComparison.Ordinal);
        canonical.Append(method).Append('\n').Append(questionMark < 0 ? rawTarget : rawTarget[..questionMark]).Append('\n');
        canonical.Append(questionMark < 0 ? "" : string.Join('&', rawTarget[(questionMark + 1)..].Split('&').Order(StringComparer.Ordinal))).Append('\n');
        foreach (var name in signed)
        {
            if (!headers.TryGetValue(name, out var value))
            {
                return $"The signed header {name} is not in the request.";
            }
            canonical.Append(name).Append(':').Append(WhiteSpace().Replace(value.Trim(), " ")).Append('\n');
        }
        canonical.Append('\n').Append(auth.SignedHeaders).Append('\n').Append(EmptyPayloadHash);
        var expected = AWS4Signer.ComputeSignature(auth.AccessKey, auth.Secret, Region, auth.SignedAt, "kinesisvideo", auth.SignedHeaders, canonical.ToString()).ForAuthorizationHeader;
        return expected == headers["Authorization"]
            ? null
            : "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.";
    }

    /// <summary>The access key a request was signed with (already checked by <see cref="SignatureProblem"/>).</summary>
    private static string AccessKeyOf(Dictionary<string, string> headers)
    {
        var credential = headers["Authorization"].Split("Credential=", 2)[1];
        return credential[..credential.IndexOf('/', StringComparison.Ordinal)];
    }

    /// <summary>When the credentials <paramref name="accessKey"/> belongs to expire, if they do.</summary>
    internal DateTimeOffset? CredentialsExpiry(string accessKey) => _credentials.ExpiresAt(accessKey);

    /// <summary>The PutMedia headers as the producer SDK sends them (reference §3); the message names what is wrong.</summary>
    private static string? HeaderProblem(Dictionary<string, string> headers)
    {
        string? Value(string name) => headers.TryGetValue(name, out var value) ? value : null;
        if (Value("x-amzn-stream-name") is not { Length: > 0 } name)
        {
            return "Missing required header x-amzn-stream-name.";
        }
        if (!StreamName().IsMatch(name))
        {
            return $"1 validation error detected: Value '{name}' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
        }
        if (Value("x-amzn-stream-arn") is not null)
        {
            return "Send exactly one of x-amzn-stream-name and x-amzn-stream-arn.";
        }
        if (Value("x-amzn-fragment-timecode-type") is not { } timecodeType)
        {
            return "Missing required header x-amzn-fragment-timecode-type.";
        }
        if (timecodeType != "ABSOLUTE")
        {
            return $"x-amzn-fragment-timecode-type is '{timecodeType}'; the producer sends ABSOLUTE.";
        }
        if (Value("x-amzn-producer-start-timestamp") is not { } start)
        {
            return "Missing required header x-amzn-producer-start-timestamp.";
        }
        if (!StartTimestamp().IsMatch(start))
        {
            return $"x-amzn-producer-start-timestamp '{start}' is not <epoch seconds>.<three decimals>.";
        }
        if (Value("x-amzn-fragment-acknowledgment-required") != "1")
        {
            return $"x-amzn-fragment-acknowledgment-required is '{Value("x-amzn-fragment-acknowledgment-required") ?? "(missing)"}', expected 1.";
        }
        if (!string.Equals(Value("transfer-encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
        {
            return $"transfer-encoding is '{Value("transfer-encoding") ?? "(missing)"}'; the body must be chunked.";
        }
        if (Value("content-length") is not null)
        {
            return "A PutMedia body is an endless chunked stream: no content-length.";
        }
        if (Value("x-amz-content-sha256") is { } hash)
        {
            return $"x-amz-content-sha256 is '{hash}'; the producer signs the streaming body as SHA256(\"\") without that header.";
        }
        return null;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"^[a-zA-Z0-9_.-]{1,256}$")]
    private static partial Regex StreamName();

    [GeneratedRegex(@"^[0-9]{10,}\.[0-9]{3}$")]
    private static partial Regex StartTimestamp();
}
