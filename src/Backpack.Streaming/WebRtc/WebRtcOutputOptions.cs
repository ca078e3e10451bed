using System.Text.RegularExpressions;

namespace Backpack.Streaming.WebRtc;

/// <summary>Options of a <see cref="WebRtcOutput"/>: its name, the ICE servers and how many viewers it serves at once.</summary>
/// <remarks>Init-only; validated by the <see cref="WebRtcOutput"/> constructor (an <see cref="ArgumentException"/> naming the property). Thread safe once built.</remarks>
public sealed partial class WebRtcOutputOptions
{
    /// <summary>The output's name for logs and statistics, not empty. Default <c>webrtc</c>.</summary>
    public string Name { get; init; } = "webrtc";

    /// <summary>A STUN server, <c>stun://host:port</c>, for server-reflexive candidates; null (the default) for host candidates only.</summary>
    public string? StunServer { get; init; }

    /// <summary>TURN servers, <c>turn://user:password@host:port</c> or <c>turns://...</c>, for relayed candidates; empty by default. Passwords are masked in every log, message and <see cref="ToString"/>.</summary>
    public IReadOnlyList<string> TurnServers { get; init; } = [];

    /// <summary>Viewers (peers) at once, 1 to 256; default 16. <see cref="WebRtcOutput.CreatePeer"/> refuses the next one.</summary>
    public int MaxPeers { get; init; } = 16;

    /// <summary>The options, TURN passwords masked.</summary>
    public override string ToString() =>
        $"Name={Name}, StunServer={StunServer ?? "none"}, TurnServers=[{string.Join(", ", TurnServers.Select(Mask))}], MaxPeers={MaxPeers}";

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message and parameter name say which.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("WebRtcOutputOptions.Name must not be empty.", nameof(Name));
        }
        if (MaxPeers is < 1 or > 256)
        {
            throw new ArgumentException($"WebRtcOutputOptions.MaxPeers must be from 1 to 256 (got {MaxPeers}).", nameof(MaxPeers));
        }
        if (StunServer is not null && !StunPattern().IsMatch(StunServer))
        {
            throw new ArgumentException($"WebRtcOutputOptions.StunServer must be stun://host:port (got '{StunServer}').", nameof(StunServer));
        }
        if (TurnServers is null)
        {
            throw new ArgumentException("WebRtcOutputOptions.TurnServers must not be null.", nameof(TurnServers));
        }
        foreach (var turn in TurnServers)
        {
            if (turn is null || !TurnPattern().IsMatch(turn))
            {
                throw new ArgumentException($"WebRtcOutputOptions.TurnServers: '{Mask(turn ?? "null")}' is not turn://user:password@host:port or turns://user:password@host:port.", nameof(TurnServers));
            }
        }
    }

    /// <summary>A TURN URI with its password masked (<c>turn://user:***@host:port</c>).</summary>
    internal static string Mask(string uri) => PasswordPattern().Replace(uri, "$1***@");

    [GeneratedRegex(@"^stun://[^\s:/@]+:\d{1,5}$", RegexOptions.CultureInvariant)]
    private static partial Regex StunPattern();

    [GeneratedRegex(@"^turns?://[^\s:/@]+:[^\s@]+@[^\s:/@]+:\d{1,5}(\?transport=(udp|tcp))?$", RegexOptions.CultureInvariant)]
    private static partial Regex TurnPattern();

    [GeneratedRegex(@"^(\w+://[^:/@]*:)[^@]*@", RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPattern();
}
