namespace Backpack.Aws.Identity;

/// <summary>
/// AutoIdentity could not tell which application instance this is: no instance id, the instance is not
/// among the deployed ones of the region, its health stayed <c>NOT_AVAILABLE</c>, or Panorama could not be asked.
/// </summary>
/// <remarks>
/// The name is the Python Backpack's (<c>AutoIdentityError</c>), kept so that its users find it.
/// The message names the application instance id and the region that were tried.
/// </remarks>
#pragma warning disable CA1710 // Identifiers should have correct suffix: the Python Backpack's name, kept on purpose.
public sealed class AutoIdentityError : Exception
#pragma warning restore CA1710
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What went wrong, naming the id and region.</param>
    /// <param name="applicationInstanceId">The instance id tried, or <see langword="null"/> when there was none.</param>
    /// <param name="deviceRegion">The region tried.</param>
    /// <param name="innerException">The failure of the Panorama call, if that was the cause.</param>
    public AutoIdentityError(string message, string? applicationInstanceId, string deviceRegion, Exception? innerException = null)
        : base(message, innerException)
    {
        ApplicationInstanceId = applicationInstanceId;
        DeviceRegion = deviceRegion;
    }

    /// <summary>The application instance id that was tried; <see langword="null"/> when none was known.</summary>
    public string? ApplicationInstanceId { get; }

    /// <summary>The region that was asked.</summary>
    public string DeviceRegion { get; }
}
