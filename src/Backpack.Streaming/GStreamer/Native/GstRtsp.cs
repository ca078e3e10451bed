using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>
/// Functions of libgstrtsp-1.0 (RTSP connections) and of GIO's sockets that the RTSP server needs to end a
/// client's connection without touching the objects its own thread is using.
/// </summary>
internal static partial class GstRtsp
{
    /// <summary>The socket a GstRTSPConnection reads from (borrowed), or 0 when it is closed.</summary>
    [LibraryImport(NativeLibraries.GstRtsp, EntryPoint = "gst_rtsp_connection_get_read_socket")]
    internal static partial nint ConnectionGetReadSocket(nint connection);

    /// <summary>The socket a GstRTSPConnection writes to (borrowed; the read socket unless tunnelled), or 0.</summary>
    [LibraryImport(NativeLibraries.GstRtsp, EntryPoint = "gst_rtsp_connection_get_write_socket")]
    internal static partial nint ConnectionGetWriteSocket(nint connection);

    /// <summary>
    /// shutdown(2) of a GSocket: no more reads and writes. Safe while another thread polls the socket,
    /// which then sees the end of the stream. Returns false with a GError when the socket is not connected.
    /// </summary>
    [LibraryImport(NativeLibraries.Gio, EntryPoint = "g_socket_shutdown")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool SocketShutdown(nint socket, [MarshalAs(UnmanagedType.I4)] bool read, [MarshalAs(UnmanagedType.I4)] bool write, out nint error);

    /// <summary>A TLS certificate with its private key from PEM text (full reference), or 0 with a GError.</summary>
    [LibraryImport(NativeLibraries.Gio, EntryPoint = "g_tls_certificate_new_from_pem", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint TlsCertificateNewFromPem(string pem, nint length, out nint error);
}
