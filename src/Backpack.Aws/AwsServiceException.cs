namespace Backpack.Aws;

/// <summary>
/// An AWS service refused a call: carries the service's error code, its message and the request id
/// AWS support asks for.
/// </summary>
/// <remarks>
/// Thrown after the retries <see cref="AwsClientOptions.MaxAttempts"/> allows, for errors that are not worth
/// retrying at once (access denied, validation) or when throttling and 5xx answers outlast the retries.
/// A response the client cannot read (for example malformed JSON) has the error code <c>MalformedResponse</c>.
/// The message never contains credentials.
/// </remarks>
public sealed class AwsServiceException : Exception
{
    /// <summary>Creates the exception for one failed call.</summary>
    /// <param name="service">The service, e.g. <c>panorama</c>.</param>
    /// <param name="operation">The operation, e.g. <c>ListApplicationInstances</c>.</param>
    /// <param name="statusCode">The HTTP status code of the last answer.</param>
    /// <param name="errorCode">The service's error code, e.g. <c>AccessDeniedException</c>.</param>
    /// <param name="serviceMessage">The service's own message, if it gave one.</param>
    /// <param name="requestId">The request id of the last answer, if it had one.</param>
    /// <param name="innerException">What went wrong inside the client, if anything.</param>
    public AwsServiceException(string service, string operation, int statusCode, string errorCode, string? serviceMessage, string? requestId, Exception? innerException = null)
        : base(Describe(service, operation, statusCode, errorCode, serviceMessage, requestId), innerException)
    {
        Service = service;
        Operation = operation;
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ServiceMessage = serviceMessage;
        RequestId = requestId;
    }

    /// <summary>The service that answered, e.g. <c>monitoring</c> or <c>panorama</c>.</summary>
    public string Service { get; }

    /// <summary>The operation that failed, e.g. <c>PutMetricData</c>.</summary>
    public string Operation { get; }

    /// <summary>The HTTP status code of the last answer (200 for a malformed success answer).</summary>
    public int StatusCode { get; }

    /// <summary>The service's error code, e.g. <c>AccessDeniedException</c>, <c>Throttling</c>, <c>MalformedResponse</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The message the service gave, if any.</summary>
    public string? ServiceMessage { get; }

    /// <summary>The request id (<c>x-amzn-RequestId</c>) of the last answer, if it had one.</summary>
    public string? RequestId { get; }

    private static string Describe(string service, string operation, int statusCode, string errorCode, string? serviceMessage, string? requestId)
    {
        var message = $"{service} {operation} failed with {errorCode} (HTTP {statusCode})";
        if (!string.IsNullOrWhiteSpace(serviceMessage))
        {
            message += ": " + serviceMessage;
        }
        return requestId is null ? message : $"{message} [request id {requestId}]";
    }
}
