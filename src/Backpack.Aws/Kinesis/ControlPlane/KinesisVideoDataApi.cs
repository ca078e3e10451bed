namespace Backpack.Aws.Kinesis;

/// <summary>
/// The data-plane API a data endpoint is asked for (<c>GetDataEndpoint</c>'s <c>APIName</c>): each API of a stream is served by
/// an endpoint of its own, which <see cref="KinesisVideoClient.GetDataEndpointAsync"/> returns.
/// </summary>
public enum KinesisVideoDataApi
{
    /// <summary><c>PUT_MEDIA</c>: where a producer sends media (<c>POST {endpoint}/putMedia</c>).</summary>
    PutMedia,

    /// <summary><c>GET_HLS_STREAMING_SESSION_URL</c>: where <see cref="KinesisVideoClient.GetHlsStreamingSessionUrlAsync"/> asks for an HLS URL.</summary>
    GetHlsStreamingSessionUrl,
}
