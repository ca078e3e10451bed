using System.CommandLine;

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
            output.ToString().Should().Contain(command.Name);
        }
    }

    [Fact]
    public void An_unknown_command_is_an_error_with_a_non_zero_exit_code()
    {
        var error = new StringWriter();

        var exit = Program.Run(["no-such-command"], new StringWriter(), error);

        exit.Should().NotBe(0);
        error.ToString().Should().Contain("no-such-command");
    }
}
