namespace Backpack.Aws.Kinesis;

/// <summary>Which service errors say something about the stream or the permissions, as <see cref="KinesisVideoStreamProblem"/>.</summary>
/// <remarks>
/// Error codes and statuses from botocore's service models (ResourceNotFoundException 404, NotAuthorizedException 401,
/// NoDataRetentionException 400) and from answers in public logs: a missing stream is HTTP 404 with
/// <c>{"Message":"The requested stream is not found or not active."}</c> (producer-c issue #139); a missing IAM permission
/// is HTTP 403 with <c>{"Message":"User: arn:aws:iam::...:user/... is not authorized to perform: kinesisvideo:DescribeStream on resource: ..."}</c>
/// (producer-sdk-cpp issue #869), or an XML <c>&lt;AccessDeniedException&gt;</c> body (boto3 issue #1506).
/// </remarks>
internal static class KinesisVideoErrors
{
    /// <summary>The problem an error answer of <paramref name="operation"/> stands for, or <see langword="null"/> when it is some other error.</summary>
    internal static KinesisVideoStreamProblem? Problem(string operation, AwsServiceException error) => error switch
    {
        { ErrorCode: "AccessDeniedException" or "NotAuthorizedException" } => KinesisVideoStreamProblem.AccessDenied,
        // A 401 or 403 without an error code of its own (the code is then the status's name). Codes such as
        // InvalidSignatureException or ExpiredTokenException are about the credentials, not the IAM policy, and stay as they are.
        { StatusCode: 401, ErrorCode: "Unauthorized" } or { StatusCode: 403, ErrorCode: "Forbidden" } => KinesisVideoStreamProblem.AccessDenied,
        { ErrorCode: "ResourceNotFoundException" } or { StatusCode: 404, ErrorCode: "NotFound" } =>
            // The stream exists when the HLS data endpoint could be had: this operation's 404 means no recent fragment.
            operation == KinesisVideoClient.GetHlsStreamingSessionUrlOperation ? KinesisVideoStreamProblem.NoRecentMedia : KinesisVideoStreamProblem.NotFound,
        { ErrorCode: "NoDataRetentionException" } => KinesisVideoStreamProblem.NoDataRetention,
        _ => null,
    };
}
