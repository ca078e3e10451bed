using System.Net;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace Backpack.Aws.Http;

/// <summary>Reads the error of an AWS answer (JSON and REST-JSON protocols, and the XML of the Query protocol) and decides whether it is worth retrying.</summary>
internal static class AwsErrors
{
    /// <summary>Error codes AWS services use for throttling and transient faults.</summary>
    private static readonly HashSet<string> RetryableCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
        "InternalServerError", "InternalServerException", "InternalServiceFault", "ServiceUnavailable", "ServiceUnavailableException",
        "IDPCommunicationError",
        // Kinesis Video Streams throttles with HTTP 400 and this code (botocore kinesisvideo service-2.json).
        "ClientLimitExceededException",
    };

    /// <summary>True when the call may succeed if tried again: HTTP 429 or 5xx, or a throttling or transient error code.</summary>
    internal static bool IsRetryable(int statusCode, string errorCode) =>
        statusCode == 429 || statusCode >= 500 || RetryableCodes.Contains(errorCode);

    /// <summary>The request id an answer carries in its headers, if any.</summary>
    internal static string? RequestId(HttpResponseMessage response)
    {
        foreach (var name in new[] { "x-amzn-RequestId", "x-amz-request-id", "x-amz-id-2" })
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                return values.FirstOrDefault();
            }
        }
        return null;
    }

    /// <summary>Builds the exception for an error answer.</summary>
    internal static AwsServiceException Read(string service, string operation, HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        string? code = null;
        string? message = null;
        var requestId = RequestId(response);
        // Kinesis Video Streams documents its error type header as x-amz-ErrorType (API_reader_GetHLSStreamingSessionURL.md).
        if (response.Headers.TryGetValues("x-amzn-ErrorType", out var errorTypes) || response.Headers.TryGetValues("x-amz-ErrorType", out errorTypes))
        {
            code = ShortCode(errorTypes.First());
        }
        if (body.Length > 0)
        {
            var first = FirstNonSpace(body);
            if (first == '{')
            {
                ReadJson(body, ref code, ref message);
            }
            else if (first == '<')
            {
                ReadXml(body, ref code, ref message, ref requestId);
            }
        }
        code ??= Enum.IsDefined(response.StatusCode) ? response.StatusCode.ToString() : $"Http{status}";
        if (message is null && response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            message = "too many requests";
        }
        return new AwsServiceException(service, operation, status, code, message, requestId);
    }

    /// <summary>Turns <c>aws.protocoltests#ThrottlingException:http://...</c> into <c>ThrottlingException</c>.</summary>
    private static string ShortCode(string code)
    {
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }
        var hash = code.LastIndexOf('#');
        return hash >= 0 ? code[(hash + 1)..] : code;
    }

    private static char FirstNonSpace(byte[] body)
    {
        foreach (var b in body)
        {
            if (!char.IsWhiteSpace((char)b))
            {
                return (char)b;
            }
        }
        return '\0';
    }

    private static void ReadJson(byte[] body, ref string? code, ref string? message)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    continue;
                }
                switch (property.Name)
                {
                    case "__type" or "code" or "Code":
                        code ??= ShortCode(property.Value.GetString()!);
                        break;
                    case "message" or "Message" or "errorMessage":
                        message ??= property.Value.GetString();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // An error answer that is not JSON keeps the HTTP status as its code.
        }
    }

    private static void ReadXml(byte[] body, ref string? code, ref string? message, ref string? requestId)
    {
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var document = XDocument.Load(reader);
            code ??= document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
            message ??= document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            requestId ??= document.Descendants().FirstOrDefault(e => e.Name.LocalName is "RequestId" or "RequestID")?.Value;
        }
        catch (XmlException)
        {
            // An error answer that is not XML keeps the HTTP status as its code.
        }
    }
}
