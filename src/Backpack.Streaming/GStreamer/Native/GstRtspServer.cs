using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>
/// Functions of libgstrtspserver-1.0 (gst-rtsp-server). Only non-variadic entry points: C varargs
/// functions (gst_rtsp_token_new, g_object_set) cannot be called through LibraryImport, so tokens are
/// filled through their writable structure and roles come from gst_structure_new_from_string.
/// Objects are GObjects (not GstObjects): reference them with g_object_ref/g_object_unref.
/// </summary>
internal static partial class GstRtspServer
{
    // --- server ---------------------------------------------------------------------------------

    /// <summary>A new server (full reference), listening nowhere until a source is created.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_new")]
    internal static partial nint ServerNew();

    /// <summary>The address to listen on, such as <c>0.0.0.0</c> (the default) or <c>127.0.0.1</c>.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_set_address", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ServerSetAddress(nint server, string address);

    /// <summary>The port to listen on, as text (<c>8554</c>; <c>0</c> for any free port).</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_set_service", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ServerSetService(nint server, string service);

    /// <summary>The port the listening socket is bound to, or -1 when not listening.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_get_bound_port")]
    internal static partial int ServerGetBoundPort(nint server);

    /// <summary>The mount points (full reference).</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_get_mount_points")]
    internal static partial nint ServerGetMountPoints(nint server);

    /// <summary>The session pool (full reference).</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_get_session_pool")]
    internal static partial nint ServerGetSessionPool(nint server);

    /// <summary>The thread pool (full reference).</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_get_thread_pool")]
    internal static partial nint ServerGetThreadPool(nint server);

    /// <summary>Sets the authentication manager (the server takes its own reference); 0 removes it.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_set_auth")]
    internal static partial void ServerSetAuth(nint server, nint auth);

    /// <summary>
    /// Binds the listening socket and returns a GSource (full reference) that accepts clients once
    /// attached to a main context; 0 with a GError when the socket cannot be bound (port in use).
    /// </summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_create_source")]
    internal static partial nint ServerCreateSource(nint server, nint cancellable, out nint error);

    /// <summary>
    /// Calls <paramref name="filter"/> (server, client, user data) → <see cref="FilterResult"/> for each
    /// client; <see cref="FilterResult.Remove"/> closes the client. Returns a GList of the clients for
    /// which the filter returned <see cref="FilterResult.Ref"/> (full references).
    /// </summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_server_client_filter")]
    internal static unsafe partial nint ServerClientFilter(nint server, delegate* unmanaged<nint, nint, nint, FilterResult> filter, nint userData);

    /// <summary>The connection of a client (borrowed: valid while the client lives).</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_client_get_connection")]
    internal static partial nint ClientGetConnection(nint client);

    // --- pools ------------------------------------------------------------------------------------

    /// <summary>How many threads serve clients; 0 makes clients run on the main context of the server's source.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_thread_pool_set_max_threads")]
    internal static partial void ThreadPoolSetMaxThreads(nint pool, int maxThreads);

    /// <summary>Removes the sessions that timed out; returns how many.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_session_pool_cleanup")]
    internal static partial uint SessionPoolCleanup(nint pool);

    /// <summary>Calls <paramref name="filter"/> (pool, session, user data) for each session, as <see cref="ServerClientFilter"/>.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_session_pool_filter")]
    internal static unsafe partial nint SessionPoolFilter(nint pool, delegate* unmanaged<nint, nint, nint, FilterResult> filter, nint userData);

    /// <summary>Removes a session from the pool (its media are released); false when it was not in it.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_session_pool_remove")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool SessionPoolRemove(nint pool, nint session);

    /// <summary>The number of live sessions.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_session_pool_get_n_sessions")]
    internal static partial uint SessionPoolGetNSessions(nint pool);

    // --- mount points and media factories -----------------------------------------------------------

    /// <summary>Mounts a factory at a path such as <c>/camera</c>; takes the caller's reference to the factory.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_mount_points_add_factory", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void MountPointsAddFactory(nint mounts, string path, nint factory);

    /// <summary>Unmounts the factory at a path (media already made from it live on).</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_mount_points_remove_factory", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void MountPointsRemoveFactory(nint mounts, string path);

    /// <summary>A new media factory (full reference).</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_media_factory_new")]
    internal static partial nint MediaFactoryNew();

    /// <summary>The gst-launch description of the media, in brackets, with payloaders named pay0, pay1...</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_media_factory_set_launch", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void MediaFactorySetLaunch(nint factory, string launch);

    /// <summary>Whether one media (one pipeline) serves every client of the factory.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_media_factory_set_shared")]
    internal static partial void MediaFactorySetShared(nint factory, [MarshalAs(UnmanagedType.I4)] bool shared);

    /// <summary>The lower transports clients may use.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_media_factory_set_protocols")]
    internal static partial void MediaFactorySetProtocols(nint factory, LowerTransport protocols);

    /// <summary>
    /// Grants a role permissions on the factory's media: a structure named after the role with boolean
    /// fields such as <c>media.factory.access</c> and <c>media.factory.construct</c> (copied).
    /// </summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_media_factory_add_role_from_structure")]
    internal static partial void MediaFactoryAddRoleFromStructure(nint factory, nint structure);

    /// <summary>The bin of a media's elements (full reference), where the launch's named elements are found.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_media_get_element")]
    internal static partial nint MediaGetElement(nint media);

    /// <summary>
    /// Prepares a media, or counts one more user of a prepared one (it is unprepared when every user has
    /// called <see cref="MediaUnprepare"/>). On a media already prepared it returns at once.
    /// </summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_media_prepare")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool MediaPrepare(nint media, nint thread);

    /// <summary>Drops one user of a prepared media; the last one unprepares it (its pipeline stops, "unprepared" is emitted).</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_media_unprepare")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool MediaUnprepare(nint media);

    // --- authentication ----------------------------------------------------------------------------

    /// <summary>A new authentication manager (full reference): refuses everyone until credentials are added.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_auth_new")]
    internal static partial nint AuthNew();

    /// <summary>The value of a Basic Authorization header for the user and password, to free with g_free.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_auth_make_basic", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint AuthMakeBasic(string user, string password);

    /// <summary>Accepts a Basic credential (as <see cref="AuthMakeBasic"/> makes it) and gives its user the token.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_auth_add_basic")]
    internal static partial void AuthAddBasic(nint auth, nint basic, nint token);

    /// <summary>Accepts a Digest user and password and gives the user the token.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_auth_add_digest", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void AuthAddDigest(nint auth, string user, string password, nint token);

    /// <summary>Which schemes the server offers in its WWW-Authenticate headers.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_auth_set_supported_methods")]
    internal static partial void AuthSetSupportedMethods(nint auth, AuthMethod methods);

    /// <summary>The token of clients that give no credentials (the manager copies it); 0 refuses them.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_auth_set_default_token")]
    internal static partial void AuthSetDefaultToken(nint auth, nint token);

    /// <summary>The TLS certificate (with its private key) clients must negotiate TLS with: the server then speaks only rtsps. The manager takes its own reference.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_auth_set_tls_certificate")]
    internal static partial void AuthSetTlsCertificate(nint auth, nint certificate);

    /// <summary>A new token (a GstMiniObject, full reference) with an empty structure.</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_token_new_empty")]
    internal static partial nint TokenNewEmpty();

    /// <summary>The token's structure, to fill in (borrowed; the token must be writable).</summary>
    [LibraryImport(NativeLibraries.GstRtspServer, EntryPoint = "gst_rtsp_token_writable_structure")]
    internal static partial nint TokenWritableStructure(nint token);

    /// <summary>The token field naming the role its holder plays: <c>media.factory.role</c>.</summary>
    internal const string TokenMediaFactoryRole = "media.factory.role";

    /// <summary>GstRTSPStatusCode values the server answers with.</summary>
    internal enum StatusCode
    {
        Ok = 200,
        ServiceUnavailable = 503,
    }

    /// <summary>GstRTSPFilterResult: what a filter function wants done with an item.</summary>
    internal enum FilterResult
    {
        Remove = 0,
        Keep = 1,
        Ref = 2,
    }

    /// <summary>GstRTSPLowerTrans.</summary>
    [Flags]
    internal enum LowerTransport
    {
        Unknown = 0,
        Udp = 1 << 0,
        UdpMulticast = 1 << 1,
        Tcp = 1 << 2,
        Http = 1 << 4,
        Tls = 1 << 5,
    }

    /// <summary>GstRTSPAuthMethod.</summary>
    [Flags]
    internal enum AuthMethod
    {
        None = 0,
        Basic = 1 << 0,
        Digest = 1 << 1,
    }

    /// <summary>
    /// Offsets in GstRTSPContext, the request context handed to the client's request signals: server,
    /// conn, client, request, uri (pointers), method (an enum, padded to a pointer), auth, token,
    /// session, sessmedia, factory, media, ...
    /// </summary>
    internal static class ContextLayout
    {
        private static readonly int Pointer = IntPtr.Size;

        /// <summary>GstRTSPContext.auth: after five pointers and the method, aligned to a pointer.</summary>
        private static readonly int Auth = ((5 * Pointer) + 4 + Pointer - 1) & ~(Pointer - 1);

        /// <summary>GstRTSPContext.media: the media the request is about, or 0.</summary>
        internal static readonly int Media = Auth + (5 * Pointer);

        /// <summary>The media of a request context, or 0.</summary>
        internal static nint ReadMedia(nint context) => context == 0 ? 0 : Marshal.ReadIntPtr(context, Media);
    }
}
