using Microsoft.Extensions.Time.Testing;

namespace Backpack.Web.Tests;

/// <summary>Options, credentials and logins refuse what cannot work and never show a secret.</summary>
public sealed class LiveViewOptionsTests
{
    [Fact]
    public void The_defaults_are_port_8080_on_every_interface_anonymous_over_http_with_WebRTC_and_16_viewers()
    {
        var options = new LiveViewServerOptions();

        (options.Port, options.Address, options.Credentials, options.Certificate, options.WebRtc, options.MaxViewers)
            .Should().Be((8080, "0.0.0.0", (LiveViewCredentials?)null, (System.Security.Cryptography.X509Certificates.X509Certificate2?)null, true, 16));
        options.WebRtcConnectTimeout.Should().Be(TimeSpan.FromSeconds(4));
        options.ToString().Should().Be("0.0.0.0:8080, anonymous, http, WebRTC, at most 16 viewers");
    }

    [Theory]
    [InlineData("port")]
    [InlineData("address")]
    [InlineData("viewers")]
    [InlineData("timeout")]
    [InlineData("stun")]
    [InlineData("origin")]
    [InlineData("session")]
    public void Values_that_cannot_work_are_refused_naming_the_property_and_what_is_expected(string which)
    {
        Action set = which switch
        {
            "port" => () => _ = new LiveViewServerOptions { Port = 70000 },
            "address" => () => _ = new LiveViewServerOptions { Address = "example.com" },
            "viewers" => () => _ = new LiveViewServerOptions { MaxViewers = 0 },
            "timeout" => () => _ = new LiveViewServerOptions { WebRtcConnectTimeout = TimeSpan.FromMilliseconds(100) },
            "stun" => () => _ = new LiveViewServerOptions { StunServer = "stun.example.com" },
            "origin" => () => _ = new LiveViewServerOptions { AllowedOrigins = ["https://example.com/page"] },
            _ => () => _ = new LiveViewServerOptions { SessionLifetime = TimeSpan.Zero },
        };

        set.Should().Throw<ArgumentException>().Which.Message.Should().MatchRegex("[Ee]xpected");
    }

    [Fact]
    public void A_TURN_server_that_is_not_a_turn_uri_is_refused_without_showing_its_password()
    {
        var set = () => _ = new LiveViewServerOptions { TurnServers = ["http://user:hunter2@turn.example.com:3478"] };

        set.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("hunter2").And.Contain("turn://USER:PASSWORD@HOST:PORT");
        new LiveViewServerOptions { TurnServers = ["turn://user:hunter2@turn.example.com:3478"] }.ToString().Should().NotContain("hunter2");
    }

    [Fact]
    public void Credentials_match_only_both_values_and_never_show_the_password()
    {
        var credentials = new LiveViewCredentials("viewer", "hunter2");

        credentials.Matches("viewer", "hunter2").Should().BeTrue();
        credentials.Matches("viewer", "hunter3").Should().BeFalse();
        credentials.Matches("Viewer", "hunter2").Should().BeFalse();
        credentials.Matches(null, null).Should().BeFalse();
        credentials.ToString().Should().Be("viewer:***");
        new LiveViewServerOptions { Credentials = credentials }.ToString().Should().Contain("viewer:***").And.NotContain("hunter2");
        var bad = () => new LiveViewCredentials("viewer", "line\nbreak");
        bad.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("line");
    }

    [Fact]
    public void A_login_lasts_its_lifetime_and_a_logout_ends_it()
    {
        var clock = new FakeTimeProvider();
        var sessions = new LoginSessions(TimeSpan.FromMinutes(10), clock);

        var token = sessions.Open();
        var other = sessions.Open();

        token.Should().HaveLength(43, "256 random bits, base64url");
        sessions.IsValid(token).Should().BeTrue();
        sessions.IsValid(token + "x").Should().BeFalse();
        sessions.Close(other);
        sessions.IsValid(other).Should().BeFalse();
        clock.Advance(TimeSpan.FromMinutes(10));
        sessions.IsValid(token).Should().BeFalse();
        sessions.Count.Should().Be(0);
    }

    [Fact]
    public void At_most_1024_logins_are_kept_the_oldest_gives_way()
    {
        var clock = new FakeTimeProvider();
        var sessions = new LoginSessions(TimeSpan.FromHours(1), clock);
        var first = sessions.Open();
        clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < LoginSessions.MaxSessions; i++)
        {
            sessions.Open();
        }

        sessions.Count.Should().Be(LoginSessions.MaxSessions);
        sessions.IsValid(first).Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("name with spaces")]
    public void A_stream_name_that_cannot_be_a_path_segment_is_refused(string name)
    {
        using var server = new LiveViewServer();
        using var skyLine = new Backpack.Streaming.SkyLines.SkyLine();

        var add = () => server.AddStream(name, skyLine);

        add.Should().Throw<ArgumentException>().WithMessage("*expected 1 to 64 letters, digits*");
    }

    [Fact]
    public void A_name_shown_already_is_refused_and_a_removed_one_can_be_shown_again()
    {
        using var server = new LiveViewServer();
        using var skyLine = new Backpack.Streaming.SkyLines.SkyLine();
        server.AddStream("entrance", skyLine);

        var again = () => server.AddStream("entrance", skyLine);

        again.Should().Throw<ArgumentException>().WithMessage("*shown already*");
        server.RemoveStream("entrance").Should().BeTrue();
        server.RemoveStream("entrance").Should().BeFalse();
        server.AddStream("entrance", skyLine);
        server.Streams.Should().Equal("entrance");
    }
}
