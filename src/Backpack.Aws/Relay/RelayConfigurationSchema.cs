using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Backpack.Aws.Relay;

/// <summary>
/// The settings a relay configuration may hold and their types, checked before binding: a misspelt setting or a value of
/// the wrong type is a problem named by its path, all of them listed at once (the binder would stop at the first, or
/// ignore a misspelt name silently).
/// </summary>
internal static class RelayConfigurationSchema
{
    private enum Kind
    {
        Text,
        Integer,
        Boolean,
        Mode,
        Section,
        List,
    }

    private sealed record Setting(Kind Kind, IReadOnlyDictionary<string, Setting>? Children = null);

    private static readonly Setting Video = Section(("width", Kind.Integer), ("height", Kind.Integer), ("fps", Kind.Integer), ("mode", Kind.Mode));

    private static readonly Setting Root = Section(new Dictionary<string, Setting>(StringComparer.OrdinalIgnoreCase)
    {
        ["cameras"] = new(Kind.List, new Dictionary<string, Setting>(StringComparer.OrdinalIgnoreCase)
        {
            ["name"] = new(Kind.Text),
            ["source"] = new(Kind.Text),
            ["enabled"] = new(Kind.Boolean),
            ["user"] = new(Kind.Text),
            ["password"] = new(Kind.Text),
            ["transport"] = new(Kind.Text),
            ["video"] = Video,
        }),
        ["video"] = Video,
        ["kinesis"] = Section(("region", Kind.Text), ("endpointUrl", Kind.Text), ("createStreams", Kind.Boolean), ("retentionHours", Kind.Integer), ("fragmentSeconds", Kind.Integer)),
        ["iot"] = Section(("credentialsEndpoint", Kind.Text), ("roleAlias", Kind.Text), ("certificate", Kind.Text), ("privateKey", Kind.Text), ("rootCa", Kind.Text), ("dataEndpoint", Kind.Text), ("deviceThing", Kind.Text)),
        ["rtsp"] = Section(("port", Kind.Integer), ("bind", Kind.Text), ("user", Kind.Text), ("password", Kind.Text)),
        ["statusSeconds"] = new(Kind.Integer),
    });

    /// <summary>Every unknown setting and every value of the wrong type in <paramref name="configuration"/>, by path.</summary>
    internal static void Check(IConfiguration configuration, List<string> problems) => CheckChildren(configuration, string.Empty, Root, problems);

    private static void CheckChildren(IConfiguration section, string at, Setting setting, List<string> problems)
    {
        foreach (var child in section.GetChildren())
        {
            var path = at.Length == 0 ? child.Key : $"{at}.{child.Key}";
            if (!setting.Children!.TryGetValue(child.Key, out var expected))
            {
                problems.Add($"{path}: unknown setting (expected one of: {string.Join(", ", setting.Children.Keys)}).");
                continue;
            }
            Check(child, path, expected, problems);
        }
    }

    private static void Check(IConfigurationSection child, string path, Setting expected, List<string> problems)
    {
        var hasChildren = child.GetChildren().Any();
        switch (expected.Kind)
        {
            case Kind.Section when child.Value is { Length: > 0 }:
                problems.Add($"{path}: expected a section of settings, found a value.");
                break;
            case Kind.Section:
                CheckChildren(child, path, expected, problems);
                break;
            case Kind.List when child.Value is { Length: > 0 }:
                problems.Add($"{path}: expected a list, found a value.");
                break;
            case Kind.List:
                var element = new Setting(Kind.Section, expected.Children);
                foreach (var item in child.GetChildren())
                {
                    var itemPath = $"{path}[{item.Key}]";
                    if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    {
                        problems.Add($"{path}: expected a list, found a setting named '{item.Key}'.");
                    }
                    else if (item.Value is { Length: > 0 })
                    {
                        problems.Add($"{itemPath}: expected a section of settings, found a value.");
                    }
                    else
                    {
                        CheckChildren(item, itemPath, element, problems);
                    }
                }
                break;
            case var _ when hasChildren:
                problems.Add($"{path}: expected a value, found a section.");
                break;
            case Kind.Integer when child.Value is { } text && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _):
                problems.Add($"{path}: '{text}' is not a whole number.");
                break;
            case Kind.Boolean when child.Value is { } text && !bool.TryParse(text, out _):
                problems.Add($"{path}: '{text}' is not true or false.");
                break;
            case Kind.Mode when child.Value is { } text && !IsMode(text):
                problems.Add($"{path}: '{text}' is not a video mode (expected annotate or passthrough).");
                break;
        }
    }

    /// <summary>A mode by name (the binder would also take a number, which says nothing to a reader).</summary>
    private static bool IsMode(string text) =>
        Enum.TryParse<RelayMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !char.IsAsciiDigit(text.TrimStart()[0]);

    private static Setting Section(params (string Name, Kind Kind)[] settings) =>
        Section(settings.ToDictionary(setting => setting.Name, setting => new Setting(setting.Kind), StringComparer.OrdinalIgnoreCase));

    private static Setting Section(Dictionary<string, Setting> children) => new(Kind.Section, children);
}
