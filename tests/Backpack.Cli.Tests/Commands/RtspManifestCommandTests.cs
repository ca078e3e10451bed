using System.Text.Json;
using Backpack.Cli.Commands;

namespace Backpack.Cli.Tests.Commands;

public sealed class RtspManifestCommandTests
{
    [Fact]
    public void The_package_snippet_opens_the_port_as_the_reference_package_json_does()
    {
        var (exit, output, _) = Run("rtsp-manifest", "--port", "8554", "--node", "my_awesome_app_asset_asset_node");

        exit.Should().Be(0);
        using var package = JsonDocument.Parse("{" + Snippet(output, "package.json") + "}");
        var ports = package.RootElement.GetProperty("network").GetProperty("inboundPorts");
        ports.GetArrayLength().Should().Be(1);
        ports[0].GetProperty("port").GetInt32().Should().Be(8554);
        ports[0].GetProperty("description").GetString().Should().Be("rtsp");
    }

    [Fact]
    public void The_graph_snippet_routes_the_port_to_the_named_node_as_the_reference_graph_json_does()
    {
        var (exit, output, _) = Run("rtsp-manifest", "--port", "8600", "--node", "my_awesome_app_asset_asset_node");

        exit.Should().Be(0);
        using var graph = JsonDocument.Parse("{" + Snippet(output, "graph.json") + "}");
        var rules = graph.RootElement.GetProperty("networkRoutingRules");
        rules.GetArrayLength().Should().Be(1);
        rules[0].GetProperty("node").GetString().Should().Be("my_awesome_app_asset_asset_node");
        rules[0].GetProperty("containerPort").GetInt32().Should().Be(8600);
        rules[0].GetProperty("hostPort").GetInt32().Should().Be(8600);
        rules[0].GetProperty("decorator").GetProperty("title").GetString().Should().Be("RTSP Server port");
        rules[0].GetProperty("decorator").GetProperty("description").GetString().Should().Be("Serves RTSP video streams for client.");
    }

    [Fact]
    public void The_port_defaults_to_8554()
    {
        var (exit, output, _) = Run("rtsp-manifest", "--node", "app_node");

        exit.Should().Be(0);
        output.Should().Contain("\"port\": 8554").And.Contain("\"hostPort\": 8554");
    }

    [Fact]
    public void A_node_name_is_written_as_a_json_string_whatever_it_holds()
    {
        var (exit, output, _) = Run("rtsp-manifest", "--node", "node\"with\\quotes");

        exit.Should().Be(0);
        using var graph = JsonDocument.Parse("{" + Snippet(output, "graph.json") + "}");
        graph.RootElement.GetProperty("networkRoutingRules")[0].GetProperty("node").GetString().Should().Be("node\"with\\quotes");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    public void A_port_outside_1_to_65535_is_an_error_naming_the_range(string port)
    {
        var (exit, output, error) = Run("rtsp-manifest", "--port", port, "--node", "app_node");

        exit.Should().Be(ExitCodes.BadInput);
        error.Should().Contain($"--port {port} is out of range").And.Contain("1 to 65535");
        output.Should().BeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("my node")]
    public void A_node_name_that_is_empty_or_has_spaces_is_an_error(string node)
    {
        var (exit, output, error) = Run("rtsp-manifest", "--node", node);

        exit.Should().Be(ExitCodes.BadInput);
        error.Should().Contain("is not a node name");
        output.Should().BeEmpty();
    }

    [Fact]
    public void A_missing_node_is_an_error()
    {
        var (exit, _, error) = Run("rtsp-manifest", "--port", "8554");

        exit.Should().NotBe(0);
        error.Should().Contain("--node");
    }

    [Fact]
    public void A_port_Panorama_does_not_open_is_printed_with_a_warning()
    {
        var (exit, output, error) = Run("rtsp-manifest", "--port", "554", "--node", "app_node");

        exit.Should().Be(0);
        error.Should().Contain("warning").And.Contain("8000 to 9000");
        output.Should().Contain("\"port\": 554");
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The JSON lines printed after the line naming <paramref name="file"/>, up to the next blank line.</summary>
    private static string Snippet(string output, string file)
    {
        var lines = output.Split('\n');
        var start = Array.FindIndex(lines, line => line.StartsWith(file + ":", StringComparison.Ordinal));
        start.Should().BeGreaterThanOrEqualTo(0, $"the output names {file}");
        return string.Join('\n', lines.Skip(start + 1).TakeWhile(line => line.Trim().Length > 0));
    }
}
