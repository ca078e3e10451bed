using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Backpack.Aws.Kinesis.Producer;

/// <summary>
/// One PutMedia request on its own connection, full duplex: the request body goes out in HTTP/1.1 chunks as frames are
/// encoded while the response (the service answers 200 at once and then streams acknowledgements) is read on another
/// task. Written on a socket rather than HttpClient so that each chunk reaches the network when it is written, and the
/// response can be read before the body ends. One writer and one reader at a time.
/// </summary>
internal sealed class PutMediaConnection : IAsyncDisposable
{
    private const int MaxHeadLength = 16 * 1024;
    private const int MaxErrorBodyLength = 64 * 1024;

    /// <summary>Room before a chunk's payload for its head: the length in hex and CRLF.</summary>
    private const int ChunkHeadRoom = 8;

    /// <summary>The most bytes one chunk carries.</summary>
    internal const int MaxChunkPayload = 64 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly byte[] _readBuffer = new byte[16 * 1024];
    private readonly byte[] _chunk = new byte[ChunkHeadRoom + MaxChunkPayload + 2];
    private int _readStart;
    private int _readEnd;
    private long _chunkLeft = -1;
    private bool _chunkedResponse;
    private long _contentLeft = -1;
    private bool _bodyEnded;

    private PutMediaConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    /// <summary>Bytes written to the connection so far, the request head included.</summary>
    internal long BytesWritten { get; private set; }

    /// <summary>Connects (TLS for https) and sends the request line and headers.</summary>
    /// <param name="endpoint">The data endpoint (scheme, host, port).</param>
    /// <param name="path">The request path, such as <c>/putMedia</c>.</param>
    /// <param name="headers">The headers, <c>host</c> included, in the order to send.</param>
    /// <param name="cancellationToken">Cancels the connect (a timeout).</param>
    internal static async Task<PutMediaConnection> OpenAsync(Uri endpoint, string path, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (string.Equals(endpoint.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions { TargetHost = endpoint.Host, EnabledSslProtocols = System.Security.Authentication.SslProtocols.None },
                    cancellationToken).ConfigureAwait(false);
            }
            var connection = new PutMediaConnection(socket, stream);
            var head = new StringBuilder(1024).Append("POST ").Append(path).Append(" HTTP/1.1\r\n");
            foreach (var (name, value) in headers)
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
            head.Append("\r\n");
            var bytes = Encoding.ASCII.GetBytes(head.ToString());
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            connection.BytesWritten = bytes.Length;
            return connection;
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Where the caller puts the bytes of the next chunk before <see cref="WriteChunk(int)"/> sends them.</summary>
    internal Span<byte> ChunkPayload => _chunk.AsSpan(ChunkHeadRoom, MaxChunkPayload);

    /// <summary>
    /// Sends the first <paramref name="count"/> bytes of <see cref="ChunkPayload"/> as one chunk of the body, framed and
    /// flushed in a single write, blocking the calling thread (the session's sender).
    /// </summary>
    /// <remarks>
    /// Synchronous on purpose: a sending thread of its own that blocks costs less CPU per frame than a thread-pool
    /// continuation woken for every frame, and one write per chunk is one TLS record and one send. <see cref="Abort"/>
    /// ends a write that stalls.
    /// </remarks>
    internal void WriteChunk(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxChunkPayload);
        if (count == 0)
        {
            return;
        }
        Span<byte> head = stackalloc byte[ChunkHeadRoom];
        count.TryFormat(head, out var digits, "X", CultureInfo.InvariantCulture);
        head[digits] = (byte)'\r';
        head[digits + 1] = (byte)'\n';
        var start = ChunkHeadRoom - digits - 2;
        head[..(digits + 2)].CopyTo(_chunk.AsSpan(start));
        "\r\n"u8.CopyTo(_chunk.AsSpan(ChunkHeadRoom + count));
        _stream.Write(_chunk, start, ChunkHeadRoom - start + count + 2);
        _stream.Flush();
        BytesWritten += ChunkHeadRoom - start + count + 2;
    }

    /// <summary>Sends <paramref name="data"/> as one or more chunks of the body (see <see cref="WriteChunk(int)"/>).</summary>
    internal void WriteChunks(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var count = Math.Min(data.Length, MaxChunkPayload);
            data[..count].CopyTo(ChunkPayload);
            WriteChunk(count);
            data = data[count..];
        }
    }

    /// <summary>Ends the body (the zero-length chunk); the response goes on until the service closes it.</summary>
    internal void EndBody()
    {
        _stream.Write("0\r\n\r\n"u8);
        _stream.Flush();
        BytesWritten += 5;
    }

    /// <summary>Reads the status line and headers of the response.</summary>
    /// <returns>The status code, the headers (names lower case), and for an error the body (at most 64 KiB, UTF-8).</returns>
    /// <exception cref="IOException">The connection closed first, or the answer is not HTTP.</exception>
    internal async Task<PutMediaResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var statusLine = await ReadHeadLineAsync(cancellationToken).ConfigureAwait(false);
        // HTTP/1.1 200 OK
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException($"The endpoint did not answer HTTP (status line '{Truncate(statusLine)}').");
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            var line = await ReadHeadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length == 0)
            {
                break;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }
        _chunkedResponse = headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        if (!_chunkedResponse && headers.TryGetValue("content-length", out var length) &&
            long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var contentLength))
        {
            _contentLeft = contentLength;
        }
        string? body = null;
        if (status != 200)
        {
            body = await ReadErrorBodyAsync(cancellationToken).ConfigureAwait(false);
        }
        return new PutMediaResponse(status, headers, body);
    }

    /// <summary>
    /// Reads the next line of the response body (an acknowledgement) into <paramref name="line"/>, without its newline.
    /// </summary>
    /// <returns>False when the response ended.</returns>
    internal async ValueTask<bool> ReadLineAsync(ArrayBufferWriter<byte> line, CancellationToken cancellationToken)
    {
        line.ResetWrittenCount();
        while (true)
        {
            var available = await FillBodyAsync(cancellationToken).ConfigureAwait(false);
            if (available.IsEmpty)
            {
                return line.WrittenCount > 0;
            }
            var newline = available.Span.IndexOf((byte)'\n');
            var take = newline < 0 ? available.Length : newline;
            if (line.WrittenCount + take > MaxErrorBodyLength)
            {
                throw new IOException("An acknowledgement line is longer than 64 KiB.");
            }
            line.Write(available.Span[..take]);
            ConsumeBody(newline < 0 ? take : take + 1);
            if (newline >= 0)
            {
                return true;
            }
        }
    }

    /// <summary>Closes at once (a failed session): the service sees the connection drop.</summary>
    internal void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Close(0);
    }

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80];


    private async Task<string> ReadErrorBodyAsync(CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>();
        while (body.WrittenCount < MaxErrorBodyLength)
        {
            var available = await FillBodyAsync(cancellationToken).ConfigureAwait(false);
            if (available.IsEmpty)
            {
                break;
            }
            var take = Math.Min(available.Length, MaxErrorBodyLength - body.WrittenCount);
            body.Write(available.Span[..take]);
            ConsumeBody(take);
        }
        return Encoding.UTF8.GetString(body.WrittenSpan);
    }

    /// <summary>The body bytes buffered now (de-chunked), reading more when none; empty at the end of the body.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> FillBodyAsync(CancellationToken cancellationToken)
    {
        while (!_bodyEnded)
        {
            if (_chunkedResponse && _chunkLeft <= 0)
            {
                if (_chunkLeft == 0)
                {
                    // The CRLF after a chunk's data.
                    await ReadHeadLineAsync(cancellationToken).ConfigureAwait(false);
                }
                var size = (await ReadHeadLineAsync(cancellationToken).ConfigureAwait(false)).Split(';', 2)[0].Trim();
                if (!long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _chunkLeft))
                {
                    throw new IOException($"The response has a malformed chunk size '{Truncate(size)}'.");
                }
                if (_chunkLeft == 0)
                {
                    _bodyEnded = true;
                    break;
                }
                continue;
            }
            if (!_chunkedResponse && _contentLeft == 0)
            {
                _bodyEnded = true;
                break;
            }
            if (_readEnd == _readStart && !await ReadMoreAsync(cancellationToken).ConfigureAwait(false))
            {
                _bodyEnded = true;
                break;
            }
            var count = _readEnd - _readStart;
            if (_chunkedResponse)
            {
                count = (int)Math.Min(count, _chunkLeft);
            }
            else if (_contentLeft > 0)
            {
                count = (int)Math.Min(count, _contentLeft);
            }
            return _readBuffer.AsMemory(_readStart, count);
        }
        return ReadOnlyMemory<byte>.Empty;
    }

    private void ConsumeBody(int count)
    {
        _readStart += count;
        if (_chunkedResponse)
        {
            _chunkLeft -= count;
        }
        else if (_contentLeft > 0)
        {
            _contentLeft -= count;
        }
    }

    private async ValueTask<string> ReadHeadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_readStart == _readEnd && !await ReadMoreAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException("The endpoint closed the connection in the middle of the response head.");
            }
            var span = _readBuffer.AsSpan(_readStart, _readEnd - _readStart);
            var newline = span.IndexOf((byte)'\n');
            var take = newline < 0 ? span.Length : newline;
            line.Append(Encoding.ASCII.GetString(span[..take]));
            _readStart += newline < 0 ? take : take + 1;
            if (line.Length > MaxHeadLength)
            {
                throw new IOException("The response head is longer than 16 KiB.");
            }
            if (newline >= 0)
            {
                return line.ToString().TrimEnd('\r');
            }
        }
    }

    private async ValueTask<bool> ReadMoreAsync(CancellationToken cancellationToken)
    {
        if (_readStart == _readEnd)
        {
            _readStart = _readEnd = 0;
        }
        else if (_readStart > 0)
        {
            Buffer.BlockCopy(_readBuffer, _readStart, _readBuffer, 0, _readEnd - _readStart);
            _readEnd -= _readStart;
            _readStart = 0;
        }
        var read = await _stream.ReadAsync(_readBuffer.AsMemory(_readEnd), cancellationToken).ConfigureAwait(false);
        _readEnd += read;
        return read > 0;
    }
}
