using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>
/// What webrtcbin needs beyond the core: promises (libgstreamer-1.0), SDP messages (libgstsdp-1.0), session
/// descriptions (libgstwebrtc-1.0), request pads and dynamic bins.
/// </summary>
internal static partial class GstWebRtc
{
    /// <summary>GstWebRTCSDPType.</summary>
    internal enum SdpType
    {
        Offer = 1,
        ProvisionalAnswer = 2,
        Answer = 3,
        Rollback = 4,
    }

    // --- promises -----------------------------------------------------------------------------

    /// <summary>A promise whose <paramref name="changed"/> (promise, user data) runs once it is replied, interrupted or expired; <paramref name="notify"/> frees the user data.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_promise_new_with_change_func")]
    internal static unsafe partial nint PromiseNewWithChangeFunc(delegate* unmanaged<nint, nint, void> changed, nint userData, delegate* unmanaged<nint, void> notify);

    /// <summary>GstPromiseResult: 2 (GST_PROMISE_RESULT_REPLIED) once replied; returns at once when the promise is no longer pending.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_promise_wait")]
    internal static partial int PromiseWait(nint promise);

    /// <summary>GST_PROMISE_RESULT_REPLIED.</summary>
    internal const int PromiseReplied = 2;

    /// <summary>The reply (borrowed, valid while the promise is), or 0.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_promise_get_reply")]
    internal static partial nint PromiseGetReply(nint promise);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_promise_get_type")]
    internal static partial nuint PromiseGetType();

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_get_type")]
    internal static partial nuint StructureGetType();

    // --- SDP ------------------------------------------------------------------------------------

    /// <summary>Parses SDP text into a new message (freed with gst_sdp_message_free); GST_SDP_OK (0) on success.</summary>
    [LibraryImport(NativeLibraries.GstSdp, EntryPoint = "gst_sdp_message_new_from_text", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SdpMessageNewFromText(string text, out nint message);

    [LibraryImport(NativeLibraries.GstSdp, EntryPoint = "gst_sdp_message_free")]
    internal static partial int SdpMessageFree(nint message);

    /// <summary>The message as text (a new string).</summary>
    [LibraryImport(NativeLibraries.GstSdp, EntryPoint = "gst_sdp_message_as_text")]
    internal static partial nint SdpMessageAsText(nint message);

    [LibraryImport(NativeLibraries.GstSdp, EntryPoint = "gst_sdp_message_medias_len")]
    internal static partial uint SdpMessageMediasLength(nint message);

    /// <summary>A media of the message (borrowed).</summary>
    [LibraryImport(NativeLibraries.GstSdp, EntryPoint = "gst_sdp_message_get_media")]
    internal static partial nint SdpMessageGetMedia(nint message, uint index);

    /// <summary>The value of the first attribute of that name of a media (borrowed), or 0.</summary>
    [LibraryImport(NativeLibraries.GstSdp, EntryPoint = "gst_sdp_media_get_attribute_val", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint SdpMediaGetAttributeValue(nint media, string key);

    // --- session descriptions ---------------------------------------------------------------------

    /// <summary>A session description that takes over the SDP message; freed with gst_webrtc_session_description_free.</summary>
    [LibraryImport(NativeLibraries.GstWebRtc, EntryPoint = "gst_webrtc_session_description_new")]
    internal static partial nint SessionDescriptionNew(SdpType type, nint sdp);

    [LibraryImport(NativeLibraries.GstWebRtc, EntryPoint = "gst_webrtc_session_description_free")]
    internal static partial void SessionDescriptionFree(nint description);

    [LibraryImport(NativeLibraries.GstWebRtc, EntryPoint = "gst_webrtc_session_description_get_type")]
    internal static partial nuint SessionDescriptionGetType();

    /// <summary>The SDP message of a session description (struct { GstWebRTCSDPType type; GstSDPMessage *sdp; }), borrowed.</summary>
    internal static nint SessionDescriptionSdp(nint description) => Marshal.ReadIntPtr(description, nint.Size);

    // --- request pads and dynamic bins ---------------------------------------------------------------

    /// <summary>A new request pad of a template such as <c>src_%u</c> (a full reference), or 0.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_request_pad_simple", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ElementRequestPadSimple(nint element, string name);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_release_request_pad")]
    internal static partial void ElementReleaseRequestPad(nint element, nint pad);

    /// <summary>GST_PAD_LINK_OK (0) on success.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_pad_link")]
    internal static partial int PadLink(nint source, nint sink);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bin_remove")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool BinRemove(nint bin, nint element);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_sync_state_with_parent")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool ElementSyncStateWithParent(nint element);
}
