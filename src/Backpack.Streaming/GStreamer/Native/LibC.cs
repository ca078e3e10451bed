using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>
/// The C library, for what .NET does not reach: the native environment that GStreamer reads with
/// getenv (Environment.SetEnvironmentVariable changes only the managed copy on Unix), and FILE
/// streams for GStreamer's own log writer.
/// </summary>
internal static partial class LibC
{
    private const string Library = NativeLibraries.LibC;

    [LibraryImport(Library, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport(Library, EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int UnsetEnv(string name);

    [LibraryImport(Library, EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GetEnv(string name);

    /// <summary>PRIO_PROCESS: with who = 0, the calling thread on Linux (nice values are per thread there).</summary>
    internal const int PriorityProcess = 0;

    [LibraryImport(Library, EntryPoint = "getpriority", SetLastError = true)]
    internal static partial int GetPriority(int which, uint who);

    [LibraryImport(Library, EntryPoint = "setpriority", SetLastError = true)]
    internal static partial int SetPriority(int which, uint who, int priority);

    [LibraryImport(Library, EntryPoint = "fopen", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint FOpen(string path, string mode);

    [LibraryImport(Library, EntryPoint = "fclose")]
    internal static partial int FClose(nint stream);

    [LibraryImport(Library, EntryPoint = "fflush")]
    internal static partial int FFlush(nint stream);
}
