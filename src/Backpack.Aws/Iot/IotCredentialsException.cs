namespace Backpack.Aws.Iot;

/// <summary>
/// The AWS IoT credentials provider gave no credentials: it refused the request (403 for a thing or certificate it
/// does not accept, 404 for an unknown role alias), failed, or could not be reached over mutual TLS. The message names
/// the thing, the role alias and the endpoint, and says what to check; it never holds key material.
/// </summary>
public sealed class IotCredentialsException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and what to check.</param>
    /// <param name="statusCode">The HTTP status the endpoint answered; null when there was no answer.</param>
    /// <param name="thingName">The thing the credentials were asked for.</param>
    /// <param name="roleAlias">The role alias the credentials were asked for.</param>
    /// <param name="innerException">The failure underneath, if any.</param>
    public IotCredentialsException(string message, int? statusCode, string thingName, string roleAlias, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ThingName = thingName;
        RoleAlias = roleAlias;
    }

    /// <summary>The HTTP status the endpoint answered; null when the request got no answer (TLS refused, timeout, no route).</summary>
    public int? StatusCode { get; }

    /// <summary>The thing the credentials were asked for.</summary>
    public string ThingName { get; }

    /// <summary>The role alias the credentials were asked for.</summary>
    public string RoleAlias { get; }

    /// <summary>A refusal that asking again will not change (a 4xx other than 429): a configuration to fix.</summary>
    public bool IsConfigurationError => StatusCode is >= 400 and < 500 and not 429;
}
