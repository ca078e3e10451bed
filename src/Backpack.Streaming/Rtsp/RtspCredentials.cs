namespace Backpack.Streaming.Rtsp;

/// <summary>
/// The user name and password RTSP clients must give when an <see cref="RtspServer"/> requires
/// authentication. The password never appears in <see cref="ToString"/>, logs or exception messages.
/// </summary>
/// <example>
/// <code>
/// var options = new RtspServerOptions
/// {
///     Credentials = new RtspCredentials("viewer", Environment.GetEnvironmentVariable("RTSP_PASSWORD")!),
/// };
/// // clients open rtsp://viewer:PASSWORD@host:8554/stream
/// </code>
/// </example>
/// <remarks>Immutable; thread safe.</remarks>
public sealed class RtspCredentials
{
    /// <summary>Creates credentials.</summary>
    /// <param name="userName">The user name: not empty, without ':' (which Basic authentication reserves) or control characters.</param>
    /// <param name="password">The password: not empty, without control characters.</param>
    /// <exception cref="ArgumentException">A value is empty or holds a character that cannot travel in an Authorization header.</exception>
    public RtspCredentials(string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (userName.Length == 0 || userName.Contains(':', StringComparison.Ordinal) || userName.Any(char.IsControl))
        {
            throw new ArgumentException("The user name must not be empty and must hold no ':' or control characters.", nameof(userName));
        }
        if (password.Length == 0 || password.Any(char.IsControl))
        {
            // The message never shows the password.
            throw new ArgumentException("The password must not be empty and must hold no control characters.", nameof(password));
        }
        UserName = userName;
        Password = password;
    }

    /// <summary>The user name.</summary>
    public string UserName { get; }

    /// <summary>The password.</summary>
    public string Password { get; }

    /// <summary>The user name with the password masked: <c>viewer:***</c>.</summary>
    public override string ToString() => UserName + ":***";
}
