using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Backpack.Cli.Commands;

/// <summary>
/// <c>backpack rtsp-manifest</c>: prints the two Panorama manifest snippets that open an inbound port for
/// the RTSP server of an application (package.json <c>network.inboundPorts</c> and graph.json
/// <c>networkRoutingRules</c>), for those who still deploy on Panorama appliances.
/// </summary>
internal static class RtspManifestCommand
{

    /// <summary>The port range Panorama opens for applications' inbound traffic.</summary>
    internal const int PanoramaFirstPort = 8000;

    /// <summary>The last port of the range Panorama opens.</summary>
    internal const int PanoramaLastPort = 9000;

    internal static Command Create()
    {
        var port = new Option<int>("--port") { Description = "The RTSP server's port (Panorama accepts 8000 to 9000).", DefaultValueFactory = _ => 8554 };
        var node = new Option<string>("--node") { Description = "The name of the application's node in graph.json, such as my_app_asset_node.", Required = true };
        var command = new Command("rtsp-manifest", "Print the package.json and graph.json snippets that open the RTSP server's port on an AWS Panorama appliance.")
        {
            port, node,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(port),
            parseResult.GetValue(node)!,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Prints both snippets with a line saying where each goes; returns 0, or <see cref="ExitCodes.BadInput"/>.</summary>
    internal static int Run(int port, string node, TextWriter stdout, TextWriter stderr)
    {
        if (port is < 1 or > 65535)
        {
            stderr.WriteLine($"backpack rtsp-manifest: --port {port} is out of range; expected a TCP port from 1 to 65535 (Panorama accepts {PanoramaFirstPort} to {PanoramaLastPort}).");
            return ExitCodes.BadInput;
        }
        if (string.IsNullOrWhiteSpace(node) || node.Any(char.IsWhiteSpace))
        {
            stderr.WriteLine($"backpack rtsp-manifest: --node '{node}' is not a node name; expected the name of the application's node in graph.json, without spaces, such as my_app_asset_node.");
            return ExitCodes.BadInput;
        }
        if (port is < PanoramaFirstPort or > PanoramaLastPort)
        {
            stderr.WriteLine($"backpack rtsp-manifest: warning: Panorama opens only ports {PanoramaFirstPort} to {PanoramaLastPort} for applications; {port} will be refused at deployment.");
        }

        stdout.WriteLine("package.json: in nodePackage.interfaces[] (your business_logic interface), add");
        stdout.WriteLine(PackageSnippet(port));
        stdout.WriteLine();
        stdout.WriteLine("graph.json: in nodeGraph, add");
        stdout.WriteLine(GraphSnippet(port, node));
        stdout.WriteLine();
        stdout.WriteLine($"Then allow inbound traffic on port {port} when you deploy the application (the console's \"Inbound ports\" tab,");
        stdout.WriteLine("or an override document of CreateApplicationInstance), and open the stream at rtsp://APPLIANCE-ADDRESS:" + port + "/PATH.");
        return ExitCodes.Success;
    }

    /// <summary>The <c>"network"</c> member of a package.json interface, as a JSON object member.</summary>
    internal static string PackageSnippet(int port) => WriteMember(writer =>
    {
        writer.WriteStartObject("network");
        writer.WriteStartArray("inboundPorts");
        writer.WriteStartObject();
        writer.WriteNumber("port", port);
        writer.WriteString("description", "rtsp");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>The <c>"networkRoutingRules"</c> member of graph.json's nodeGraph, as a JSON object member.</summary>
    internal static string GraphSnippet(int port, string node) => WriteMember(writer =>
    {
        writer.WriteStartArray("networkRoutingRules");
        writer.WriteStartObject();
        writer.WriteString("node", node);
        writer.WriteNumber("containerPort", port);
        writer.WriteNumber("hostPort", port);
        writer.WriteStartObject("decorator");
        writer.WriteString("title", "RTSP Server port");
        writer.WriteString("description", "Serves RTSP video streams for client.");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    /// <summary>
    /// Writes one member inside a throw-away object and returns the member's lines only, so the text can be
    /// pasted into an existing object as it is.
    /// </summary>
    private static string WriteMember(Action<Utf8JsonWriter> member)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            writer.WriteStartObject();
            member(writer);
            writer.WriteEndObject();
        }
        var lines = Encoding.UTF8.GetString(buffer.ToArray()).Split('\n');
        // Drop the enclosing braces and one level of indentation.
        return string.Join('\n', lines[1..^1].Select(line => line.StartsWith("  ", StringComparison.Ordinal) ? line[2..] : line));
    }
}
