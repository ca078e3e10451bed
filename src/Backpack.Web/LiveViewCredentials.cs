using System.Security.Cryptography;
using System.Text;

namespace Backpack.Web;

/// <summary>
/// A user name and password a person gives once, in the live view's login form, to watch: the browser then holds a
/// session cookie and never the password. The password never appears in <see cref="ToString"/>, logs or exception
/// messages.
/// </summary>
/// <remarks>Immutable; thread safe.</remarks>
public sealed class LiveViewCredentials
{
    private readonly byte[] _userNameHash;
    private readonly byte[] _passwordHash;

    /// <summary>Creates credentials.</summary>
    /// <param name="userName">The user name: 1 to 128 characters, no control characters.</param>
    /// <param name="password">The password: 1 to 1024 characters, no control characters.</param>
    /// <exception cref="ArgumentException">A value is empty, too long or holds a control character.</exception>
    public LiveViewCredentials(string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (userName.Length is 0 or > 128 || userName.Any(char.IsControl))
        {
            throw new ArgumentException("The user name must hold 1 to 128 characters and no control characters.", nameof(userName));
        }
        if (password.Length is 0 or > 1024 || password.Any(char.IsControl))
        {
            // The message never shows the password.
            throw new ArgumentException("The password must hold 1 to 1024 characters and no control characters.", nameof(password));
        }
        UserName = userName;
        // Only hashes are kept: compared in constant time, whatever the lengths given.
        _userNameHash = SHA256.HashData(Encoding.UTF8.GetBytes(userName));
        _passwordHash = SHA256.HashData(Encoding.UTF8.GetBytes(password));
    }

    /// <summary>The user name.</summary>
    public string UserName { get; }

    /// <summary>Whether a login form's values are these credentials, in time that does not depend on where they differ.</summary>
    /// <param name="userName">The user name given.</param>
    /// <param name="password">The password given.</param>
    /// <returns>True when both match.</returns>
    public bool Matches(string? userName, string? password)
    {
        var userMatches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(userName ?? string.Empty)), _userNameHash);
        var passwordMatches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(password ?? string.Empty)), _passwordHash);
        return userMatches & passwordMatches;
    }

    /// <summary>The user name with the password masked: <c>viewer:***</c>.</summary>
    public override string ToString() => UserName + ":***";
}
