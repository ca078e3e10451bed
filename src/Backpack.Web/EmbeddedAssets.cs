using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Backpack.Web;

/// <summary>The pages, scripts and styles embedded in the assembly (nothing comes from a CDN), read once.</summary>
internal static class EmbeddedAssets
{
    private const string Prefix = "Backpack.Web.Assets.";

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>The asset of a file name such as <c>player.js</c>, or null.</summary>
    internal static Asset? Find(string fileName) => Assets.GetValueOrDefault(fileName);

    /// <summary>The asset of a file name that must exist.</summary>
    internal static Asset Get(string fileName) =>
        Find(fileName) ?? throw new InvalidOperationException($"The embedded asset {fileName} is missing from {typeof(EmbeddedAssets).Assembly.GetName().Name}.");

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[Prefix.Length..];
            assets[name] = new Asset(bytes, ContentTypeOf(name), $"\"{Convert.ToHexString(SHA256.HashData(bytes), 0, 8)}\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    /// <summary>One embedded file: its bytes, content type and entity tag.</summary>
    internal sealed record Asset(byte[] Content, string ContentType, string ETag);
}
