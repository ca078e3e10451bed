using Backpack.Aws.Kinesis.KvsSink;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

public sealed class KvsEnvironmentCredentialsHandlerTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    [Fact]
    public async Task Variables_present_at_start_give_kvssink_nothing_to_add_to_its_description()
    {
        var logs = new CapturingLoggerFactory();
        await using var handler = new KvsEnvironmentCredentialsHandler(
            KvsTestSupport.Environment(new() { ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = Secret }), logs);

        await handler.StartAsync();

        handler.GetPropertyFragment().Should().BeEmpty();
        handler.ToString().Should().Be("KvsEnvironmentCredentialsHandler(access key AKIA****LE from AWS_ACCESS_KEY_ID)");
        logs.Entries.Should().ContainSingle().Which.Level.Should().Be(LogLevel.Information);
    }

    [Fact]
    public async Task A_session_token_in_the_environment_is_taken_with_a_warning_that_it_is_not_renewed()
    {
        var logs = new CapturingLoggerFactory();
        await using var handler = new KvsEnvironmentCredentialsHandler(KvsTestSupport.Environment(new()
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIAIOSFODNN7EXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = Secret, ["AWS_SESSION_TOKEN"] = "IQoJtoken",
        }), logs);

        await handler.StartAsync();

        handler.ToString().Should().EndWith("from AWS_ACCESS_KEY_ID, with AWS_SESSION_TOKEN)");
        logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Message.Should().Contain("cannot renew them").And.Contain("KvsFileCredentialsHandler");
    }

    [Fact]
    public async Task Missing_variables_are_named()
    {
        await using var handler = new KvsEnvironmentCredentialsHandler(KvsTestSupport.Environment(new() { ["AWS_SECRET_ACCESS_KEY"] = Secret }), null);

        var failure = await handler.Invoking(h => h.StartAsync()).Should().ThrowAsync<InvalidOperationException>();

        failure.Which.Message.Should().Contain("AWS_ACCESS_KEY_ID is not set").And.NotContain("AWS_SECRET_ACCESS_KEY is not set").And.NotContain(Secret);
        handler.IsStarted.Should().BeFalse();
    }

    [Fact]
    public async Task Empty_variables_count_as_missing()
    {
        await using var handler = new KvsEnvironmentCredentialsHandler(
            KvsTestSupport.Environment(new() { ["AWS_ACCESS_KEY_ID"] = "", ["AWS_SECRET_ACCESS_KEY"] = "" }), null);

        (await handler.Invoking(h => h.StartAsync()).Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Contain("AWS_ACCESS_KEY_ID is not set; AWS_SECRET_ACCESS_KEY is not set");
    }

    [Fact]
    public async Task Variables_set_only_through_dotnet_are_reported_as_invisible_to_kvssink()
    {
        await using var handler = new KvsEnvironmentCredentialsHandler(KvsTestSupport.Environment(
            atStart: new(),
            managed: new() { ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = Secret }), null);

        (await handler.Invoking(h => h.StartAsync()).Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("AWS_ACCESS_KEY_ID was set through .NET's Environment.SetEnvironmentVariable, which kvssink (native code) never sees")
            .And.Contain("in the environment the process starts with");
    }

    [Fact]
    public async Task A_value_changed_through_dotnet_is_warned_about_since_kvssink_reads_the_start_value()
    {
        var logs = new CapturingLoggerFactory();
        await using var handler = new KvsEnvironmentCredentialsHandler(KvsTestSupport.Environment(
            atStart: new() { ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = Secret },
            managed: new() { ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "changed" }), logs);

        await handler.StartAsync();

        logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Message.Should()
            .Be("AWS_SECRET_ACCESS_KEY was changed through .NET after the process started; kvssink reads the value the process started with");
    }

    [Fact]
    public async Task Refresh_checks_again()
    {
        var atStart = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = Secret };
        await using var handler = new KvsEnvironmentCredentialsHandler(KvsTestSupport.Environment(atStart), null);
        await handler.StartAsync();

        atStart.Remove("AWS_SECRET_ACCESS_KEY");

        await handler.Invoking(h => h.RefreshAsync()).Should().ThrowAsync<InvalidOperationException>().WithMessage("*AWS_SECRET_ACCESS_KEY is not set*");
    }
}
