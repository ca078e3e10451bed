namespace Backpack.Aws.Relay;

/// <summary>What the relay does with a camera's video.</summary>
public enum RelayMode
{
    /// <summary>Decoded, scaled to the configured size, stamped with the time and the camera's name, encoded once for every output.</summary>
    Annotate,

    /// <summary>
    /// The camera's own H.264 goes to the outputs without decoding or encoding (nothing is drawn); a stream that cannot
    /// go through as it is falls back to <see cref="Annotate"/> with a warning that says why.
    /// </summary>
    Passthrough,
}
