using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>
/// A minimal RTSP client over one TCP connection: OPTIONS, DESCRIBE, SETUP (RTP interleaved in the connection),
/// PLAY and TEARDOWN, each timed from the request written to the response read. Unlike ffprobe or rtspsrc it
/// shows how long the server took to answer each request, with no retry or timeout of a player's own in between.
/// </summary>
/// <remarks>Not thread safe, except <see cref="StartDraining"/>, which reads on a task of its own after PLAY.</remarks>
internal sealed class RawRtspClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Uri _url;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private int _sequence;
    private string? _session;
    private Task<DateTime?>? _draining;
    private long _received;

    private RawRtspClient(TcpClient tcp, Uri url)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _url = url;
    }

    /// <summary>One answered request: its method, the status code (0 when unanswered), how long the answer took, and the answer.</summary>
    internal sealed record Answer(string Method, int Status, TimeSpan Elapsed, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public override string ToString() => $"{Method} {Status} in {Elapsed.TotalMilliseconds:0} ms";
    }

    /// <summary>Bytes read after PLAY (interleaved RTP and RTCP) by <see cref="StartDraining"/>.</summary>
    internal long BytesReceived => Interlocked.Read(ref _received);

    /// <summary>Connects to the server of <paramref name="url"/>.</summary>
    internal static RawRtspClient Connect(Uri url)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            tcp.Connect(url.Host, url.Port);
            return new RawRtspClient(tcp, url);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// OPTIONS, DESCRIBE, SETUP and PLAY, in order, each waiting at most <paramref name="timeout"/>; stops after the
    /// first answer that is not 200 OK (or none). The answers come back in order.
    /// </summary>
    internal List<Answer> Play(TimeSpan timeout)
    {
        var answers = new List<Answer>();
        bool Ok(Answer answer)
        {
            answers.Add(answer);
            return answer.Status == 200;
        }
        if (!Ok(Request("OPTIONS", _url.ToString(), [], timeout)))
        {
            return answers;
        }
        var describe = Request("DESCRIBE", _url.ToString(), ["Accept: application/sdp"], timeout);
        if (!Ok(describe))
        {
            return answers;
        }
        var setup = Request("SETUP", ControlUrl(describe), ["Transport: RTP/AVP/TCP;unicast;interleaved=0-1"], timeout);
        if (!Ok(setup))
        {
            return answers;
        }
        _session = setup.Headers.TryGetValue("session", out var session) ? session.Split(';')[0].Trim() : null;
        _ = Ok(Request("PLAY", _url.ToString(), ["Range: npt=0-"], timeout));
        return answers;
    }

    /// <summary>Reads (and drops) what the server sends from now on, so that it never blocks on a full socket; the task's result is when the server closed the connection, null when this client closed it.</summary>
    internal Task<DateTime?> StartDraining() => _draining ??= Task.Run(Drain);

    /// <summary>Sends TEARDOWN without waiting for the answer (a draining client reads it with the media).</summary>
    internal void Teardown()
    {
        try
        {
            Send("TEARDOWN", _url.ToString(), []);
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _tcp.Dispose();
        try
        {
            _draining?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    /// <summary>Sends a request and reads its answer (skipping interleaved data before it); unanswered within <paramref name="timeout"/> or at the end of the connection: status 0.</summary>
    private Answer Request(string method, string url, IReadOnlyList<string> headers, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        var sequence = Send(method, url, headers);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var (status, answerHeaders, body) = ReadResponse(cancel.Token);
                if (answerHeaders.TryGetValue("cseq", out var cseq) && cseq.Trim() == sequence.ToString(CultureInfo.InvariantCulture))
                {
                    return new Answer(method, status, watch.Elapsed, answerHeaders, body);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or EndOfStreamException)
        {
            return new Answer(method, 0, watch.Elapsed, new Dictionary<string, string>(), exception.GetType().Name);
        }
    }

    private int Send(string method, string url, IReadOnlyList<string> headers)
    {
        var sequence = ++_sequence;
        var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{method} {url} RTSP/1.0\r\nCSeq: {sequence}\r\nUser-Agent: backpack-tests\r\n");
        if (_session is not null)
        {
            request.Append(CultureInfo.InvariantCulture, $"Session: {_session}\r\n");
        }
        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }
        request.Append("\r\n");
        _stream.Write(Encoding.ASCII.GetBytes(request.ToString()));
        return sequence;
    }

    /// <summary>The URL to SETUP: the SDP's control attribute, against Content-Base when relative.</summary>
    private string ControlUrl(Answer describe)
    {
        var control = describe.Body.Split('\n').Select(line => line.Trim())
            .LastOrDefault(line => line.StartsWith("a=control:", StringComparison.Ordinal))?["a=control:".Length..];
        if (control is null or "*")
        {
            return _url.ToString();
        }
        if (control.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase))
        {
            return control;
        }
        var baseUrl = describe.Headers.TryGetValue("content-base", out var contentBase) ? contentBase.Trim() : _url + "/";
        return baseUrl.EndsWith('/') ? baseUrl + control : baseUrl + "/" + control;
    }

    /// <summary>The next RTSP response: its status line's code, its headers (lower-case names) and its body; interleaved frames before it are skipped.</summary>
    private (int Status, Dictionary<string, string> Headers, string Body) ReadResponse(CancellationToken cancel)
    {
        while (Peek(cancel) == '$')
        {
            var header = Take(4, cancel);
            _ = Take((header[2] << 8) | header[3], cancel);
        }
        var statusLine = ReadLine(cancel);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var line = ReadLine(cancel); line.Length > 0; line = ReadLine(cancel))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }
        var length = headers.TryGetValue("content-length", out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : 0;
        var body = length > 0 ? Encoding.ASCII.GetString(Take(length, cancel)) : string.Empty;
        var parts = statusLine.Split(' ', 3);
        var status = parts.Length >= 2 && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : -1;
        return (status, headers, body);
    }

    private async Task<DateTime?> Drain()
    {
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(_buffer).ConfigureAwait(false);
                if (read == 0)
                {
                    return DateTime.UtcNow;
                }
                Interlocked.Add(ref _received, read);
            }
        }
        catch (IOException)
        {
            return _tcp.Connected ? DateTime.UtcNow : null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    private string ReadLine(CancellationToken cancel)
    {
        var line = new StringBuilder();
        while (true)
        {
            var next = Take(1, cancel)[0];
            if (next == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }
            line.Append((char)next);
        }
    }

    private byte Peek(CancellationToken cancel)
    {
        Fill(cancel);
        return _buffer[_start];
    }

    private byte[] Take(int count, CancellationToken cancel)
    {
        var taken = new byte[count];
        var done = 0;
        while (done < count)
        {
            Fill(cancel);
            var chunk = Math.Min(count - done, _end - _start);
            Array.Copy(_buffer, _start, taken, done, chunk);
            _start += chunk;
            done += chunk;
        }
        return taken;
    }

    /// <summary>Makes sure at least one unread byte is buffered; throws at the end of the connection or when cancelled.</summary>
    private void Fill(CancellationToken cancel)
    {
        if (_start < _end)
        {
            return;
        }
        _start = 0;
        _end = _stream.ReadAsync(_buffer, cancel).AsTask().GetAwaiter().GetResult();
        if (_end == 0)
        {
            throw new EndOfStreamException("The server closed the connection.");
        }
    }
}
