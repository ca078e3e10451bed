using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Tests;

/// <summary>
/// Clears environment variables (the managed copy and the C library's, which GStreamer reads) for a
/// test and puts their values back when disposed; the working directory too, when asked. The process
/// environment is shared: tests that use this belong to the <see cref="Serial"/> collection.
/// </summary>
internal sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _saved;
    private readonly string _workingDirectory = Directory.GetCurrentDirectory();

    internal EnvironmentScope(params string[] names)
    {
        _saved = names.ToDictionary(name => name, Environment.GetEnvironmentVariable, StringComparer.Ordinal);
        foreach (var name in names)
        {
            Set(name, null);
        }
    }

    /// <summary>The variable as native code sees it (getenv).</summary>
    internal static string? Native(string name) => Marshal.PtrToStringUTF8(LibC.GetEnv(name));

    /// <summary>Changes the working directory until the scope ends.</summary>
    internal void WorkIn(string directory) => Directory.SetCurrentDirectory(directory);

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Set(name, value);
        }
        Directory.SetCurrentDirectory(_workingDirectory);
    }

    private static void Set(string name, string? value)
    {
        Environment.SetEnvironmentVariable(name, value);
        var result = value is null ? LibC.UnsetEnv(name) : LibC.SetEnv(name, value, 1);
        result.Should().Be(0, $"the C library's copy of {name} must follow");
    }
}
