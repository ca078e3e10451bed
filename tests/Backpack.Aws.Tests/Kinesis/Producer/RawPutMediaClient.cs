using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Backpack.Aws.Signing;
using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>
/// The endpoint tests' own PutMedia client on a raw TCP socket: writes the HTTP/1.1 request head signed as the producer
/// SDK signs it (payload hash SHA256(""), no x-amz-content-sha256), the chunked MKV body piece by piece, and reads the
/// answer and its ACK lines while it still sends (full duplex).
/// </summary>
internal sealed class RawPutMediaClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Uri _url;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _bufferStart;
    private int _bufferEnd;
    private readonly StringBuilder _ackText = new();
    private bool _responseEnded;

    private RawPutMediaClient(TcpClient tcp, Uri url)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _url = url;
    }

    public static async Task<RawPutMediaClient> ConnectAsync(Uri dataUrl)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(dataUrl.Host, dataUrl.Port);
            return new RawPutMediaClient(tcp, dataUrl);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends the request head. <paramref name="overrides"/> replaces headers before signing (a null value removes one);
    /// <paramref name="signingSecret"/> signs with another secret (a bad signature).
    /// </summary>
    public async Task SendHeadAsync(
        string streamName,
        string region = "eu-west-1",
        string accessKey = "AKIDBACKPACKTEST0001",
        string signingSecret = TestCredentials.Secret,
        string? token = null,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var now = DateTimeOffset.UtcNow;
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["connection"] = "keep-alive",
            ["host"] = $"{_url.Host}:{_url.Port}",
            ["transfer-encoding"] = "chunked",
            ["user-agent"] = "backpack-endpoint-tests/1.0",
            ["x-amz-date"] = SigV4Signer.FormatAmzDate(now),
            ["x-amzn-fragment-acknowledgment-required"] = "1",
            ["x-amzn-fragment-timecode-type"] = "ABSOLUTE",
            ["x-amzn-producer-start-timestamp"] = (now.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture),
            ["x-amzn-stream-name"] = streamName,
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                headers.Remove(name);
            }
            else
            {
                headers[name] = value;
            }
        }
        if (token is not null)
        {
            headers["x-amz-security-token"] = token;
        }
        var signed = headers.Where(h => h.Key is not "x-amz-security-token" and not "content-type" and not "content-length");
        var signature = new SigV4Signer().Sign("POST", "/putMedia", "", signed, SigV4Signer.EmptyPayloadHash, accessKey, signingSecret, region, "kinesisvideo", now);
        var head = new StringBuilder("POST /putMedia HTTP/1.1\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        head.Append("content-type: application/json\r\n");
        head.Append("Authorization: ").Append(signature.Authorization).Append("\r\n\r\n");
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
    }

    /// <summary>Sends bytes of the body as one chunk.</summary>
    public async Task SendAsync(byte[] data)
    {
        if (data.Length == 0)
        {
            return;
        }
        await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"));
        await _stream.WriteAsync(data);
        await _stream.WriteAsync("\r\n"u8.ToArray());
    }

    /// <summary>Ends the body (the last, empty chunk).</summary>
    public Task EndBodyAsync() => _stream.WriteAsync("0\r\n\r\n"u8.ToArray()).AsTask();

    /// <summary>Reads the status line and headers; for a non-200 answer the body too.</summary>
    public async Task<RawPutMediaResponse> ReadResponseAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var status = await ReadLineAsync(cancel.Token) ?? throw new IOException("The connection closed before the status line.");
        var code = int.Parse(status.Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await ReadLineAsync(cancel.Token) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        string? body = null;
        if (code != 200 && headers.TryGetValue("content-length", out var length))
        {
            var bytes = new byte[int.Parse(length, CultureInfo.InvariantCulture)];
            await ReadExactlyAsync(bytes, cancel.Token);
            body = Encoding.UTF8.GetString(bytes);
        }
        return new RawPutMediaResponse(code, headers, body);
    }

    /// <summary>The next ACK line, or null when the response ended (last chunk) or the connection closed.</summary>
    public async Task<string?> ReadAckAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            var text = _ackText.ToString();
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline >= 0)
            {
                _ackText.Remove(0, newline + 1);
                return text[..newline];
            }
            if (_responseEnded)
            {
                return null;
            }
            string? sizeLine;
            try
            {
                sizeLine = await ReadLineAsync(cancel.Token);
            }
            catch (IOException)
            {
                sizeLine = null;
            }
            if (sizeLine is null)
            {
                _responseEnded = true;
                continue;
            }
            var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                await ReadLineAsync(cancel.Token);
                _responseEnded = true;
                continue;
            }
            var chunk = new byte[size];
            await ReadExactlyAsync(chunk, cancel.Token);
            await ReadLineAsync(cancel.Token);
            _ackText.Append(Encoding.UTF8.GetString(chunk));
        }
    }

    /// <summary>Every ACK until the response ends.</summary>
    public async Task<List<string>> ReadAcksToEndAsync(TimeSpan? timeout = null)
    {
        var acks = new List<string>();
        while (await ReadAckAsync(timeout) is { } ack)
        {
            acks.Add(ack);
        }
        return acks;
    }

    /// <summary>True when the server closed or reset the connection (a read ends or fails) within <paramref name="timeout"/>.</summary>
    public async Task<bool> ConnectionClosedAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(_buffer, cancel.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> FillAsync(CancellationToken cancel)
    {
        if (_bufferStart == _bufferEnd)
        {
            _bufferStart = _bufferEnd = 0;
        }
        var read = await _stream.ReadAsync(_buffer.AsMemory(_bufferEnd), cancel);
        _bufferEnd += read;
        return read > 0;
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancel)
    {
        var line = new List<byte>();
        while (true)
        {
            while (_bufferStart < _bufferEnd)
            {
                var b = _buffer[_bufferStart++];
                if (b == '\n')
                {
                    return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
                }
                line.Add(b);
            }
            if (!await FillAsync(cancel))
            {
                return null;
            }
        }
    }

    private async Task ReadExactlyAsync(byte[] target, CancellationToken cancel)
    {
        var at = 0;
        while (at < target.Length)
        {
            if (_bufferStart == _bufferEnd && !await FillAsync(cancel))
            {
                throw new IOException("The connection closed inside a chunk.");
            }
            var n = Math.Min(target.Length - at, _bufferEnd - _bufferStart);
            Array.Copy(_buffer, _bufferStart, target, at, n);
            _bufferStart += n;
            at += n;
        }
    }
}
