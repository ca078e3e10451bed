using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Runtime;
using Backpack.Streaming.Tests.Rtsp;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed partial class DebianPackagesTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public void Every_element_the_docs_and_the_code_name_maps_to_the_package_that_installs_it()
    {
        var root = RepositoryRoot();
        var documents = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"));
        var sources = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal));
        var named = documents.SelectMany(path => DocumentedDescriptions(File.ReadAllLines(path)))
            .Concat(sources.SelectMany(path => CodedDescriptions(File.ReadAllLines(path))))
            .SelectMany(PipelineDescription.ElementNames)
            .Concat(StreamingPrerequisites.RequiredElements)
            .Concat(StreamingPrerequisites.OptionalElements)
            // Diagrams and prose around descriptions hold words such as "convert" or "output": an element is a word
            // the registry knows, or one shaped like an element name where the registry lacks it (kvssink here).
            .Where(name => GStreamerRuntime.HasElement(name) || ElementShaped().IsMatch(name))
            .ToHashSet(StringComparer.Ordinal);

        named.Should().Contain(["hlssink2", "flvmux", "mpegtsmux", "udpsink", "rtspsrc", "avdec_h264", "kvssink"], "the extraction must see the examples");
        named.Where(name => DebianPackages.ForElement(name).StartsWith("unknown:", StringComparison.Ordinal))
            .Should().BeEmpty("every element named in the docs or the code needs a package for its 'not installed' message");

        var installed = named.Concat(DebianPackages.KnownElements).Distinct().Where(GStreamerRuntime.HasElement).ToList();
        var owners = PackageOwners(installed);
        installed.Should().AllSatisfy(element => DebianPackages.ForElement(element).Should().Be(owners[element], $"dpkg says which package installed {element}'s plugin"));
        installed.Should().Contain(["hlssink2", "rtspsrc", "udpsrc"]);
    }

    [Fact]
    public void Elements_outside_Debian_say_where_they_come_from()
    {
        DebianPackages.ForElement("kvssink").Should().Contain("amazon-kinesis-video-streams-producer-sdk-cpp");
        DebianPackages.ForElement("nvvidconv").Should().Contain("JetPack");
        DebianPackages.IsInstallable(DebianPackages.ForElement("kvssink")).Should().BeFalse();
        DebianPackages.ForElement("nosuchelement").Should().StartWith("unknown:");
    }

    /// <summary>Descriptions in Markdown: backtick spans and quoted strings, and whole lines of code blocks without strings.</summary>
    private static IEnumerable<string> DocumentedDescriptions(IEnumerable<string> lines)
    {
        var fenced = false;
        foreach (var line in lines.Select(line => line.Trim()))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }
            var quoted = QuotedString().Matches(line).Select(match => match.Groups[1].Value).ToList();
            var spans = BacktickSpan().Matches(line).Select(match => match.Groups[1].Value);
            var candidates = quoted.Concat(spans);
            if (fenced && quoted.Count == 0)
            {
                candidates = candidates.Append(line);
            }
            foreach (var candidate in candidates.Select(candidate => candidate.Trim()))
            {
                if (IsDescription(candidate) || ElementShaped().IsMatch(candidate))
                {
                    yield return candidate;
                }
            }
        }
    }

    /// <summary>Descriptions in C#: string literals (or pieces of them) that link elements or set an element's properties.</summary>
    private static IEnumerable<string> CodedDescriptions(IEnumerable<string> lines) =>
        lines.Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .SelectMany(line => QuotedString().Matches(line).Select(match => match.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Trim()))
            .Where(IsDescription);

    private static bool IsDescription(string text) => Link().IsMatch(text) || ElementWithProperties().IsMatch(text);

    /// <summary>Which package owns each element's plugin file, as dpkg says.</summary>
    private static Dictionary<string, string> PackageOwners(IReadOnlyList<string> elements)
    {
        var plugins = elements.ToDictionary(element => element, element => GStreamerRuntime.FindElementPlugin(element)!);
        var pluginFiles = plugins.Values.Distinct().ToDictionary(plugin => plugin, plugin =>
        {
            var inspect = ChildProcess.Run("gst-inspect-1.0", [plugin], ToolTimeout);
            inspect.ExitCode.Should().Be(0, inspect.ToString());
            var file = PluginFile().Match(inspect.Output);
            file.Success.Should().BeTrue(inspect.Output);
            // Relative to the plugin directory: dpkg knows /usr/lib where gst-inspect may say /lib (merged /usr).
            return "gstreamer-1.0/" + Path.GetFileName(file.Groups[1].Value);
        });
        var files = plugins.ToDictionary(pair => pair.Key, pair => pluginFiles[pair.Value]);
        var search = ChildProcess.Run("dpkg", ["-S", .. files.Values.Distinct()], ToolTimeout);
        search.ExitCode.Should().Be(0, search.ToString());
        var owners = search.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .ToDictionary(parts => "gstreamer-1.0/" + Path.GetFileName(parts[1].Trim()), parts => parts[0].Split(':')[0], StringComparer.Ordinal);
        return files.ToDictionary(pair => pair.Key, pair => owners[pair.Value]);
    }

    private static string RepositoryRoot([CallerFilePath] string here = "")
    {
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(here)!); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Backpack.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No Backpack.slnx above {here}.");
    }

    /// <summary>A link between elements: '!' standing alone.</summary>
    [GeneratedRegex(@"(^|\s)!(\s|$)")]
    private static partial Regex Link();

    /// <summary>An element with properties, such as <c>x264enc bitrate=500</c> or <c>( appsrc name=src</c>.</summary>
    [GeneratedRegex(@"^\(?\s*[a-z][a-z0-9_]*\s+[\w\-]+=")]
    private static partial Regex ElementWithProperties();

    /// <summary>A word named like GStreamer's sources, sinks, encoders, muxers, payloaders and parsers.</summary>
    [GeneratedRegex(@"^[a-z][a-z0-9_]*(sink2?|src|enc|dec|mux|demux|pay|depay|parse)$")]
    private static partial Regex ElementShaped();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex BacktickSpan();

    [GeneratedRegex(@"^\s*Filename\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex PluginFile();
}
