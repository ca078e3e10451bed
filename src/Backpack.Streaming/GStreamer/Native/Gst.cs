using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>
/// Functions of libgstreamer-1.0. Names and signatures follow the C API one to one; pointers to
/// GStreamer objects are <see cref="nint"/> here and owned by the SafeHandles of the binding.
/// </summary>
internal static partial class Gst
{
    /// <summary>GST_CLOCK_TIME_NONE.</summary>
    internal const ulong ClockTimeNone = ulong.MaxValue;

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_init_check")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool InitCheck(nint argc, nint argv, out nint error);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_is_initialized")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool IsInitialized();

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_version")]
    internal static partial void Version(out uint major, out uint minor, out uint micro, out uint nano);

    // --- registry ---------------------------------------------------------------------------

    /// <summary>Returns a new reference to the factory, or 0 when the registry has no such element.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_factory_find", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ElementFactoryFind(string name);

    /// <summary>The name of the plugin that provides a feature; owned by the feature.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_plugin_feature_get_plugin_name")]
    internal static partial nint PluginFeatureGetPluginName(nint feature);

    /// <summary>Creates an element (floating reference), or 0 when the factory is unknown.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_factory_make", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ElementFactoryMake(string factory, string? name);

    /// <summary>The default registry (borrowed).</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_registry_get")]
    internal static partial nint RegistryGet();

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_registry_scan_path", StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool RegistryScanPath(nint registry, string path);

    // --- objects ------------------------------------------------------------------------------

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_object_unref")]
    internal static partial void ObjectUnref(nint gstObject);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_object_ref")]
    internal static partial nint ObjectRef(nint gstObject);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_object_ref_sink")]
    internal static partial nint ObjectRefSink(nint gstObject);

    /// <summary>A copy of the object's name, to be freed with g_free.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_object_get_name")]
    internal static partial nint ObjectGetName(nint gstObject);

    /// <summary>The object's place in its hierarchy, such as <c>/GstPipeline:pipeline0/GstBin:enc/GstIdentity:identity0</c> (a new string).</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_object_get_path_string")]
    internal static partial nint ObjectGetPathString(nint gstObject);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_mini_object_unref")]
    internal static partial void MiniObjectUnref(nint miniObject);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_mini_object_ref")]
    internal static partial nint MiniObjectRef(nint miniObject);

    /// <summary>A shallow copy (for buffers: new metadata, shared memory).</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_mini_object_copy")]
    internal static partial nint MiniObjectCopy(nint miniObject);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_util_set_object_arg", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void UtilSetObjectArg(nint gObject, string name, string value);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_value_serialize")]
    internal static partial nint ValueSerialize(nint gValue);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_util_double_to_fraction")]
    internal static partial void UtilDoubleToFraction(double source, out int numerator, out int denominator);

    // --- elements, bins, pipelines --------------------------------------------------------------

    /// <summary>Parses a launch description; returns a floating reference or 0 with <paramref name="error"/> set.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_parse_launch_full", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ParseLaunchFull(string description, nint context, ParseFlags flags, out nint error);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_pipeline_get_type")]
    internal static partial nuint PipelineGetType();

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_pipeline_new", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint PipelineNew(string? name);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bin_add")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool BinAdd(nint bin, nint element);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_set_state")]
    internal static partial StateChangeReturn ElementSetState(nint element, State state);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_get_state")]
    internal static partial StateChangeReturn ElementGetState(nint element, out State state, out State pending, ulong timeout);

    /// <summary>A new reference to the child element of that name, searched recursively, or 0.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bin_get_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint BinGetByName(nint bin, string name);

    /// <summary>An iterator (freed with gst_iterator_free) over the elements of a bin and of the bins inside it.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bin_iterate_recurse")]
    internal static partial nint BinIterateRecurse(nint bin);

    /// <summary>Moves to the next item; a GValue of type 0 is initialised to the iterator's type.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_iterator_next")]
    internal static partial IteratorResult IteratorNext(nint iterator, ref GObject.Value item);

    /// <summary>Starts over after the collection changed (<see cref="IteratorResult.Resync"/>).</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_iterator_resync")]
    internal static partial void IteratorResync(nint iterator);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_iterator_free")]
    internal static partial void IteratorFree(nint iterator);

    /// <summary>The factory an element was made by (borrowed), or 0.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_get_factory")]
    internal static partial nint ElementGetFactory(nint element);

    /// <summary>Whether a factory makes elements of a kind (encoder, payloader...).</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_factory_list_is_type")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool ElementFactoryListIsType(nint factory, ElementFactoryType type);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_get_bus")]
    internal static partial nint ElementGetBus(nint element);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_get_static_pad", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ElementGetStaticPad(nint element, string name);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_get_base_time")]
    internal static partial ulong ElementGetBaseTime(nint element);

    /// <summary>A new reference to the element's clock, or 0 before it has one.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_get_clock")]
    internal static partial nint ElementGetClock(nint element);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_post_message")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool ElementPostMessage(nint element, nint message);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_clock_get_time")]
    internal static partial ulong ClockGetTime(nint clock);

    // --- pads -------------------------------------------------------------------------------

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_pad_add_probe")]
    internal static unsafe partial nuint PadAddProbe(
        nint pad, PadProbeType mask, delegate* unmanaged<nint, nint, nint, PadProbeReturn> callback, nint userData,
        delegate* unmanaged<nint, void> destroyData);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_pad_remove_probe")]
    internal static partial void PadRemoveProbe(nint pad, nuint id);

    /// <summary>The event of a probe's info (borrowed), or 0 when the probe carries something else.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_pad_probe_info_get_event")]
    internal static partial nint PadProbeInfoGetEvent(nint info);

    /// <summary>The buffer of a probe's info (borrowed), or 0 when the probe carries something else.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_pad_probe_info_get_buffer")]
    internal static partial nint PadProbeInfoGetBuffer(nint info);

    /// <summary>Sends an event to the peer of the pad (takes the event).</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_pad_push_event")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool PadPushEvent(nint pad, nint gstEvent);

    // --- bus and messages -----------------------------------------------------------------------

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bus_timed_pop_filtered")]
    internal static partial nint BusTimedPopFiltered(nint bus, ulong timeout, MessageType types);

    /// <summary>The next message of the given types (full reference) without waiting, or 0.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bus_pop_filtered")]
    internal static partial nint BusPopFiltered(nint bus, MessageType types);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bus_post")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool BusPost(nint bus, nint message);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bus_set_flushing")]
    internal static partial void BusSetFlushing(nint bus, [MarshalAs(UnmanagedType.I4)] bool flushing);

    /// <summary>Installs the function GStreamer calls synchronously, on the posting thread, for every message.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bus_set_sync_handler")]
    internal static unsafe partial void BusSetSyncHandler(nint bus, delegate* unmanaged<nint, nint, nint, BusSyncReply> handler, nint userData, delegate* unmanaged<nint, void> notify);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_message_parse_stream_status")]
    internal static partial void MessageParseStreamStatus(nint message, out StreamStatusType type, out nint owner);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_message_new_application")]
    internal static partial nint MessageNewApplication(nint source, nint structure);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_message_new_eos")]
    internal static partial nint MessageNewEos(nint source);

    /// <summary>A new error message from <paramref name="source"/>; the GError is copied, not taken.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_message_new_error", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint MessageNewError(nint source, nint error, string? debug);

    /// <summary>The GQuark of GST_STREAM_ERROR, the domain of errors in the data flow.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_stream_error_quark")]
    internal static partial uint StreamErrorQuark();

    /// <summary>GST_STREAM_ERROR_FAILED: a general error in the data flow.</summary>
    internal const int StreamErrorFailed = 1;

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_message_parse_error")]
    internal static partial void MessageParseError(nint message, out nint error, out nint debug);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_message_parse_warning")]
    internal static partial void MessageParseWarning(nint message, out nint error, out nint debug);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_message_parse_info")]
    internal static partial void MessageParseInfo(nint message, out nint error, out nint debug);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_message_parse_state_changed")]
    internal static partial void MessageParseStateChanged(nint message, out State oldState, out State newState, out State pending);

    /// <summary>The structure of a message (borrowed), or 0.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_message_get_structure")]
    internal static partial nint MessageGetStructure(nint message);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_new_empty", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint StructureNewEmpty(string name);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_get_name")]
    internal static partial nint StructureGetName(nint structure);

    /// <summary>A string field (borrowed), or 0 when absent or of another type.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_get_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint StructureGetString(nint structure, string field);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_get_int", StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool StructureGetInt(nint structure, string field, out int value);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_get_fraction", StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool StructureGetFraction(nint structure, string field, out int numerator, out int denominator);

    /// <summary>The structure serialised as text, to be freed with g_free.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_to_string")]
    internal static partial nint StructureToString(nint structure);

    // --- caps, buffers, samples -------------------------------------------------------------------

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_caps_from_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint CapsFromString(string caps);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_bin_get_type")]
    internal static partial nuint BinGetType();

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_caps_get_type")]
    internal static partial nuint CapsGetType();

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_caps_to_string")]
    internal static partial nint CapsToString(nint caps);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_caps_get_structure")]
    internal static partial nint CapsGetStructure(nint caps, uint index);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_buffer_new_allocate")]
    internal static partial nint BufferNewAllocate(nint allocator, nuint size, nint parameters);

    /// <summary>Wraps memory the caller owns; <paramref name="notify"/> runs with <paramref name="userData"/> when GStreamer frees the memory.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_buffer_new_wrapped_full")]
    internal static unsafe partial nint BufferNewWrappedFull(
        int memoryFlags, nint data, nuint maxSize, nuint offset, nuint size, nint userData, delegate* unmanaged<nint, void> notify);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_buffer_get_size")]
    internal static partial nuint BufferGetSize(nint buffer);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_buffer_map")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool BufferMap(nint buffer, out MapInfo info, MapFlags flags);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_buffer_unmap")]
    internal static partial void BufferUnmap(nint buffer, ref MapInfo info);

    /// <summary>The buffer of a sample (borrowed).</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_sample_get_buffer")]
    internal static partial nint SampleGetBuffer(nint sample);

    /// <summary>The caps of a sample (borrowed).</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_sample_get_caps")]
    internal static partial nint SampleGetCaps(nint sample);

    // --- debug log -----------------------------------------------------------------------------

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_debug_add_log_function")]
    internal static unsafe partial void DebugAddLogFunction(nint function, nint userData, delegate* unmanaged<nint, void> notify);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_debug_remove_log_function")]
    internal static partial uint DebugRemoveLogFunction(nint function);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_debug_remove_log_function_by_data")]
    internal static partial uint DebugRemoveLogFunctionByData(nint userData);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_debug_set_active")]
    internal static partial void DebugSetActive([MarshalAs(UnmanagedType.I4)] bool active);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_debug_set_default_threshold")]
    internal static partial void DebugSetDefaultThreshold(DebugLevel level);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_debug_get_default_threshold")]
    internal static partial DebugLevel DebugGetDefaultThreshold();

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_debug_set_threshold_from_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void DebugSetThresholdFromString(string list, [MarshalAs(UnmanagedType.I4)] bool reset);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_debug_message_get")]
    internal static partial nint DebugMessageGet(nint message);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_debug_category_get_name")]
    internal static partial nint DebugCategoryGetName(nint category);

    /// <summary>GstIteratorResult.</summary>
    internal enum IteratorResult
    {
        Done = 0,
        Ok = 1,
        Resync = 2,
        Error = 3,
    }

    /// <summary>GstElementFactoryListType: kinds of element factories.</summary>
    [Flags]
    internal enum ElementFactoryType : ulong
    {
        Decoder = 1UL << 0,
        Encoder = 1UL << 1,
        Sink = 1UL << 2,
        Src = 1UL << 3,
        Payloader = 1UL << 7,
        Any = (1UL << 49) - 1,
    }

    /// <summary>GstState.</summary>
    internal enum State
    {
        VoidPending = 0,
        Null = 1,
        Ready = 2,
        Paused = 3,
        Playing = 4,
    }

    /// <summary>GstStateChangeReturn.</summary>
    internal enum StateChangeReturn
    {
        Failure = 0,
        Success = 1,
        Async = 2,
        NoPreroll = 3,
    }

    /// <summary>GstFlowReturn (the common values).</summary>
    internal enum FlowReturn
    {
        CustomSuccess = 100,
        Ok = 0,
        NotLinked = -1,
        Flushing = -2,
        Eos = -3,
        NotNegotiated = -4,
        Error = -5,
        NotSupported = -6,
    }

    /// <summary>GstParseFlags.</summary>
    [Flags]
    internal enum ParseFlags
    {
        None = 0,
        FatalErrors = 1 << 0,
        NoSingleElementBins = 1 << 1,
        PlaceInBin = 1 << 2,
    }

    /// <summary>GstMessageType (the values the binding reads).</summary>
    [Flags]
    internal enum MessageType : uint
    {
        Unknown = 0,
        Eos = 1 << 0,
        Error = 1 << 1,
        Warning = 1 << 2,
        Info = 1 << 3,
        StateChanged = 1 << 6,
        Application = 1 << 14,
        StreamStatus = 1 << 13,
        Element = 1 << 15,
        Latency = 1 << 19,
        AsyncDone = 1 << 21,
        StreamStart = 1 << 28,
    }

    /// <summary>GstBusSyncReply.</summary>
    internal enum BusSyncReply
    {
        Drop = 0,
        Pass = 1,
        Async = 2,
    }

    /// <summary>GstStreamStatusType.</summary>
    internal enum StreamStatusType
    {
        Create = 0,
        Enter = 1,
        Leave = 2,
        Destroy = 3,
        Start = 8,
        Pause = 9,
        Stop = 10,
    }

    /// <summary>GstPadProbeType (the values the binding uses).</summary>
    [Flags]
    internal enum PadProbeType
    {
        Buffer = 1 << 4,
        EventDownstream = 1 << 6,
        EventUpstream = 1 << 7,
    }

    /// <summary>GstPadProbeReturn.</summary>
    internal enum PadProbeReturn
    {
        Drop = 0,
        Ok = 1,
        Remove = 2,
        Pass = 3,
        Handled = 4,
    }

    /// <summary>GstMapFlags.</summary>
    [Flags]
    internal enum MapFlags
    {
        Read = 1 << 0,
        Write = 1 << 1,
    }

    /// <summary>GstDebugLevel.</summary>
    internal enum DebugLevel
    {
        None = 0,
        Error = 1,
        Warning = 2,
        Fixme = 3,
        Info = 4,
        Debug = 5,
        Log = 6,
        Trace = 7,
        Memdump = 9,
    }

    /// <summary>GstMapInfo, laid out as in C.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MapInfo
    {
        internal nint Memory;
        internal int Flags;
        internal nint Data;
        internal nuint Size;
        internal nuint MaxSize;
        internal nint UserData0;
        internal nint UserData1;
        internal nint UserData2;
        internal nint UserData3;
        internal nint Reserved0;
        internal nint Reserved1;
        internal nint Reserved2;
        internal nint Reserved3;
    }
}
