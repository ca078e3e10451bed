using Backpack.Streaming.Rtsp;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>A server with credentials refuses clients without them and serves those with them; the password never shows.</summary>
public sealed class RtspAuthenticationTests
{
    private const string User = "viewer";
    private const string Password = "s3cret-Pa55word";

    [Theory]
    [InlineData(RtspAuthenticationMethods.Basic)]
    [InlineData(RtspAuthenticationMethods.Digest)]
    public void A_client_without_credentials_is_refused(RtspAuthenticationMethods methods)
    {
        using var live = Secured(methods);

        var decoded = RtspClients.Ffprobe(live.Url("/camera"), "tcp", 1);

        decoded.Frames.Should().Be(0);
        decoded.Process.Error.Should().Contain("401");
    }

    [Theory]
    [InlineData(RtspAuthenticationMethods.Basic)]
    [InlineData(RtspAuthenticationMethods.Digest)]
    public void A_client_with_a_wrong_password_is_refused(RtspAuthenticationMethods methods)
    {
        using var live = Secured(methods);

        var decoded = RtspClients.Ffprobe(live.Url("/camera", User, "wrong-password"), "tcp", 1);

        decoded.Frames.Should().Be(0);
        decoded.Process.Error.Should().Contain("401");
    }

    [Theory]
    [InlineData(RtspAuthenticationMethods.Basic)]
    [InlineData(RtspAuthenticationMethods.Digest)]
    public void Ffprobe_with_the_credentials_is_served(RtspAuthenticationMethods methods)
    {
        using var live = Secured(methods);

        var decoded = RtspClients.Ffprobe(live.Url("/camera", User, Password), "tcp");

        decoded.Frames.Should().BeGreaterThanOrEqualTo(60, decoded.Process.ToString());
    }

    [Fact]
    public void Gstreamer_rtspsrc_with_the_credentials_is_served_and_without_them_fails()
    {
        using var live = Secured(RtspAuthenticationMethods.Basic | RtspAuthenticationMethods.Digest);

        var served = RtspClients.GstRtspsrc(live.Url("/camera"), "tcp", 320, 240, buffers: 60, User, Password);
        var refused = RtspClients.GstRtspsrc(live.Url("/camera"), "tcp", 320, 240, buffers: 60);

        served.Frames.Should().Be(60, served.Process + "\nserver log:\n" + live.LogText);
        (served.Width, served.Height).Should().Be((320, 240));
        refused.Frames.Should().Be(0);
        refused.Process.ExitCode.Should().NotBe(0);
        (refused.Process.Output + refused.Process.Error).Should().Contain("Unauthorized");
    }

    [Fact]
    public void The_password_never_reaches_logs_exception_messages_or_text_forms()
    {
        var logs = new CapturingLogger();
        var options = new RtspServerOptions { Port = 0, Address = "127.0.0.1", Credentials = new RtspCredentials(User, Password) };
        using (var server = new RtspServer(options, logs))
        {
            var stream = server.AddStream("/camera", new() { FrameRate = 30, Width = 320, Height = 240 });
            stream.StartStreaming();
            server.Start();
            var duplicate = () => server.AddStream("/camera");
            var twice = () => server.Start();
            var messages = new[]
            {
                duplicate.Should().Throw<ArgumentException>().Which.Message,
                twice.Should().Throw<InvalidOperationException>().Which.Message,
                server.ToString(), stream.ToString(), options.ToString(), options.Credentials!.ToString(),
            };
            messages.Should().NotContain(text => text.Contains(Password, StringComparison.Ordinal));
            options.Credentials.ToString().Should().Be("viewer:***");
        }

        logs.Entries.Should().NotBeEmpty();
        logs.Entries.Should().NotContain(entry => entry.Message.Contains(Password, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "password")]
    [InlineData("us:er", "password")]
    [InlineData("user", "")]
    [InlineData("user", "pass\nword")]
    public void Credentials_that_cannot_travel_in_an_authorization_header_are_refused_without_showing_the_password(string user, string password)
    {
        var create = () => new RtspCredentials(user, password);

        var message = create.Should().Throw<ArgumentException>().Which.Message;
        if (password.Length > 0)
        {
            message.Should().NotContain(password);
        }
    }

    private static LiveStream Secured(RtspAuthenticationMethods methods)
    {
        var live = new LiveStream(new RtspServerOptions
        {
            Port = 0,
            Address = "127.0.0.1",
            Credentials = new RtspCredentials(User, Password),
            AuthenticationMethods = methods,
        });
        live.Add("/camera", 320, 240);
        return live.Started();
    }
}
