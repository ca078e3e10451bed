namespace Backpack.Streaming.Rtsp;

/// <summary>The HTTP authentication schemes an <see cref="RtspServer"/> with credentials accepts.</summary>
[Flags]
public enum RtspAuthenticationMethods
{
    /// <summary>
    /// Basic: the client sends user and password encoded, not encrypted, in every request; anyone on the
    /// path can read them. Widely supported.
    /// </summary>
    Basic = 1 << 0,

    /// <summary>Digest: the client proves it knows the password without sending it (RFC 2617, MD5).</summary>
    Digest = 1 << 1,
}
