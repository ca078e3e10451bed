using System.CommandLine;
using System.Text.RegularExpressions;

namespace Backpack.Cli.Tests;

public sealed class ProgramTests
{
    [Fact]
    public void Version_prints_the_version_of_the_tool()
    {
        var output = new StringWriter();

        var exit = Program.Run(["--version"], output, new StringWriter());

        exit.Should().Be(0);
        output.ToString().Trim().Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [Fact]
    public void Help_lists_every_command_with_its_one_line_description()
    {
        var output = new StringWriter();

        var exit = Program.Run(["--help"], output, new StringWriter());

        exit.Should().Be(0);
        var commands = Program.BuildRootCommand().Subcommands;
        commands.Should().NotBeEmpty();
        foreach (var command in commands)
        {
            command.Description.Should().NotBeNullOrWhiteSpace();
            output.ToString().Should().MatchRegex($@"(?m)^\s+{command.Name}\s+{Regex.Escape(command.Description!)}\s*$");
        }
    }

    [Fact]
    public void An_unknown_command_is_bad_input_named_in_the_error()
    {
        var error = new StringWriter();

        var exit = Program.Run(["no-such-command"], new StringWriter(), error);

        exit.Should().Be(2);
        error.ToString().Should().Contain("no-such-command");
    }

    [Theory]
    [InlineData("doctor", "--no-such-option")]
    [InlineData("demo", "--fps", "fast")]
    [InlineData("identity", "--region")]
    public void A_command_line_that_does_not_parse_is_bad_input_named_in_the_error(params string[] args)
    {
        var error = new StringWriter();

        var exit = Program.Run(args, new StringWriter(), error);

        exit.Should().Be(2);
        error.ToString().Should().NotBeEmpty();
    }
}
