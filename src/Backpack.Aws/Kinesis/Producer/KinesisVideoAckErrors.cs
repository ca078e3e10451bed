namespace Backpack.Aws.Kinesis.Producer;

/// <summary>The ErrorIds of PutMedia ERROR acknowledgements: their names, and whether the SDK sends the fragment again.</summary>
internal static class KinesisVideoAckErrors
{
    /// <summary>
    /// The service's name for an ErrorId (4000 STREAM_READ_ERROR … 5001 ARCHIVAL_ERROR, 4500–4506 KMS_KEY_*), or
    /// <c>ERROR_&lt;id&gt;</c> for an id this code does not know.
    /// </summary>
    /// <param name="errorId">The ErrorId of the ACK.</param>
    /// <returns>The name.</returns>
    public static string NameOf(int errorId) => errorId switch
    {
        4000 => "STREAM_READ_ERROR",
        4001 => "MAX_FRAGMENT_SIZE_REACHED",
        4002 => "MAX_FRAGMENT_DURATION_REACHED",
        4003 => "MAX_CONNECTION_DURATION_REACHED",
        4004 => "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS",
        4005 => "MORE_THAN_ONE_TRACK_FOUND",
        4006 => "INVALID_MKV_DATA",
        4007 => "INVALID_PRODUCER_TIMESTAMP",
        4008 => "STREAM_NOT_ACTIVE",
        4009 => "FRAGMENT_METADATA_LIMIT_REACHED",
        4010 => "TRACK_NUMBER_MISMATCH",
        4011 => "FRAMES_MISSING_FOR_TRACK",
        4012 => "MORE_THAN_ALLOWED_TRACKS_FOUND",
        4500 => "KMS_KEY_ACCESS_DENIED",
        4501 => "KMS_KEY_DISABLED",
        4502 => "KMS_KEY_VALIDATION_ERROR",
        4503 => "KMS_KEY_UNAVAILABLE",
        4504 => "KMS_KEY_INVALID_USAGE",
        4505 => "KMS_KEY_INVALID_STATE",
        4506 => "KMS_KEY_NOT_FOUND",
        // Only the C producer names it; the service documentation stops at 4506.
        4507 => "STREAM_DELETED",
        5000 => "INTERNAL_ERROR",
        5001 => "ARCHIVAL_ERROR",
        _ => "ERROR_" + errorId.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Whether the SDK sends the fragment again on a new connection (4000 stream read error, 4003 connection too long,
    /// and the service's own failures, 5xxx) rather than skipping it: every other error is about the data itself and
    /// would fail again (PIC <c>serviceCallResultRetry</c>).
    /// </summary>
    /// <param name="errorId">The ErrorId of the ACK.</param>
    /// <returns>True to retry, false to skip the fragment.</returns>
    public static bool IsRetriable(int errorId) => errorId is 4000 or 4003 or (>= 5000 and <= 5999);
}
