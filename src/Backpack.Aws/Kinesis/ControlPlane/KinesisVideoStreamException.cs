namespace Backpack.Aws.Kinesis;

/// <summary>
/// A Kinesis video stream cannot be used as asked: it does not exist, is being deleted, did not become active, has no
/// media to play, or the credentials may not call the operation. The message names the stream, the region, what was
/// wrong and what is expected, e.g. the IAM action to grant.
/// </summary>
/// <remarks>
/// When the service answered, <see cref="Exception.InnerException"/> is its <see cref="AwsServiceException"/> (error code,
/// HTTP status, request id). The message never contains credentials.
/// </remarks>
public sealed class KinesisVideoStreamException : Exception
{
    /// <summary>Creates the exception of one failed operation on one stream.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <param name="streamName">The stream's name.</param>
    /// <param name="region">The region the stream was looked for in.</param>
    /// <param name="operation">The Kinesis Video Streams operation that failed, e.g. <c>DescribeStream</c> or <c>PutMedia</c>: its IAM action is <c>kinesisvideo:{operation}</c>.</param>
    /// <param name="detail">A sentence to append to the message, e.g. what the caller can do about it; <see langword="null"/> for none.</param>
    /// <param name="innerException">The service's answer (<see cref="AwsServiceException"/>) or another cause; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="streamName"/>, <paramref name="region"/> or <paramref name="operation"/> is empty.</exception>
    public KinesisVideoStreamException(
        KinesisVideoStreamProblem problem,
        string streamName,
        string region,
        string operation,
        string? detail = null,
        Exception? innerException = null)
        : base(Describe(problem, streamName, region, operation, detail, innerException), innerException)
    {
        Problem = problem;
        StreamName = streamName;
        Region = region;
        Operation = operation;
    }

    /// <summary>What is wrong.</summary>
    public KinesisVideoStreamProblem Problem { get; }

    /// <summary>The stream's name.</summary>
    public string StreamName { get; }

    /// <summary>The region the stream was looked for in.</summary>
    public string Region { get; }

    /// <summary>The operation that failed, e.g. <c>GetDataEndpoint</c>.</summary>
    public string Operation { get; }

    /// <summary>The IAM action of <see cref="Operation"/>, e.g. <c>kinesisvideo:GetDataEndpoint</c>: the one to grant when <see cref="Problem"/> is <see cref="KinesisVideoStreamProblem.AccessDenied"/>.</summary>
    public string IamAction => "kinesisvideo:" + Operation;

    private static string Describe(KinesisVideoStreamProblem problem, string streamName, string region, string operation, string? detail, Exception? inner)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(operation);
        var stream = $"Kinesis video stream \"{streamName}\" in region {region}";
        var answer = inner is AwsServiceException service
            ? $"{operation} answered {service.ErrorCode} (HTTP {service.StatusCode}){(string.IsNullOrWhiteSpace(service.ServiceMessage) ? "" : ": " + service.ServiceMessage)}"
            : null;
        var said = answer is null ? "" : $" ({answer})";
        var message = problem switch
        {
            KinesisVideoStreamProblem.NotFound =>
                $"{stream} does not exist{said}. Expected an existing stream: check the name and the region, or create the stream.",
            KinesisVideoStreamProblem.Deleting =>
                $"{stream} is being deleted (status DELETING){said}; it takes no media. Wait until it is gone and create it again, or use another name.",
            KinesisVideoStreamProblem.AccessDenied =>
                $"The AWS credentials in use may not call kinesisvideo:{operation} on {stream}{said}. Grant the IAM action " +
                $"kinesisvideo:{operation} on arn:aws:kinesisvideo:{region}:<account>:stream/{streamName}/* to the role or user, " +
                "or renew the credentials if their session has expired.",
            KinesisVideoStreamProblem.NotActive =>
                $"{stream} did not become ACTIVE{said}.",
            KinesisVideoStreamProblem.NoRecentMedia =>
                $"{stream} has no media from the last 30 seconds to play{said}. Expected a producer streaming to it now " +
                $"(for example backpack demo --kvs-stream {streamName}); ask again once it streams.",
            KinesisVideoStreamProblem.NoDataRetention =>
                $"{stream} keeps no data (0 hours of retention){said}, and {operation} needs retained media. Set a data retention " +
                "above 0 hours (console, or aws kinesisvideo update-data-retention), or create the stream with one.",
            _ => $"{stream}: {problem}{said}.",
        };
        if (!string.IsNullOrWhiteSpace(detail))
        {
            message += " " + detail;
        }
        return inner is AwsServiceException { RequestId: { } requestId } ? $"{message} [request id {requestId}]" : message;
    }
}
