using Backpack.Imaging;

namespace Backpack.Streaming.Tests;

/// <summary>Frames for streaming tests: a uniform grey whose level tells which frame it is, so a decoded file shows what was put when.</summary>
internal static class TestFrames
{
    /// <summary>A frame of level <c>16 + 8 * (index % 28)</c>: distinguishable after encoding, decoding and scaling.</summary>
    internal static BgrFrame Numbered(int width, int height, int index)
    {
        var frame = BgrFrame.Create(width, height);
        var level = (byte)Level(index);
        frame.Fill(level, level, level);
        return frame;
    }

    /// <summary>The grey level of frame <paramref name="index"/>.</summary>
    internal static int Level(int index) => 16 + (8 * (index % 28));

    /// <summary>The frame index (modulo 28) a measured level stands for.</summary>
    internal static int IndexOf(double level) => (int)Math.Round((level - 16) / 8);

    /// <summary>A unique temporary directory, deleted by the returned handle.</summary>
    internal static TemporaryDirectory TemporaryDirectory() => new(Directory.CreateTempSubdirectory("backpack-skyline-").FullName);
}

/// <summary>A directory deleted with everything in it when disposed.</summary>
internal sealed class TemporaryDirectory(string path) : IDisposable
{
    internal string Path { get; } = path;

    internal string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
