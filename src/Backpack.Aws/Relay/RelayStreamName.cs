using System.Text.RegularExpressions;

namespace Backpack.Aws.Relay;

/// <summary>A camera's stream name: its name without a trailing UUID and the one separator before it.</summary>
internal static partial class RelayStreamName
{
    /// <summary>
    /// <c>dock-1_0f8fad5b-d9cb-469f-a165-70867728950e</c> → <c>dock-1</c>. The AWS multi-camera sample strips Panorama's
    /// stream ids the same way but keeps the separator (<c>dock-1_</c>); a name without a trailing UUID stays as it is.
    /// </summary>
    internal static string FromCameraName(string name)
    {
        var match = TrailingUuid().Match(name);
        return match.Success ? match.Groups["name"].Value : name;
    }

    [GeneratedRegex(@"^(?<name>.*?)[-_.:]?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex TrailingUuid();
}
