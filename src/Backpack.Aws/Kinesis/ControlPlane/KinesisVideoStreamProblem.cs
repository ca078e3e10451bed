namespace Backpack.Aws.Kinesis;

/// <summary>What <see cref="KinesisVideoStreamException"/> reports is wrong with a stream or with the permissions to use it.</summary>
public enum KinesisVideoStreamProblem
{
    /// <summary>The stream does not exist in the region (<c>ResourceNotFoundException</c>, HTTP 404).</summary>
    NotFound,

    /// <summary>The stream is being deleted (status <c>DELETING</c>): it takes no media and cannot be created again until it is gone.</summary>
    Deleting,

    /// <summary>
    /// The credentials in use are not allowed the operation's IAM action on the stream (<c>AccessDeniedException</c>,
    /// <c>NotAuthorizedException</c>, HTTP 401 or 403), or their session has expired.
    /// </summary>
    AccessDenied,

    /// <summary>The stream did not become <c>ACTIVE</c> within the time allowed.</summary>
    NotActive,

    /// <summary>
    /// <c>GetHLSStreamingSessionURL</c> in <c>LIVE</c> mode found no fragment from the last 30 seconds: nothing is streaming
    /// to the stream (<c>ResourceNotFoundException</c> of that operation).
    /// </summary>
    NoRecentMedia,

    /// <summary>The stream keeps no data (0 hours of retention) and the operation needs it, as HLS playback does (<c>NoDataRetentionException</c>).</summary>
    NoDataRetention,
}
