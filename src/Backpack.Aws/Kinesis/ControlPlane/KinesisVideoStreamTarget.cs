namespace Backpack.Aws.Kinesis;

/// <summary>
/// Where a producer sends a stream's media: the stream as <c>DescribeStream</c> last reported it and its <c>PUT_MEDIA</c>
/// data endpoint. Made by <see cref="KinesisVideoStreamResolver"/>.
/// </summary>
/// <param name="Stream">The stream, <c>ACTIVE</c> when it was resolved.</param>
/// <param name="Region">The region of the stream, which the data-plane requests are signed for.</param>
/// <param name="PutMediaEndpoint">
/// The data endpoint for <c>PutMedia</c>, e.g. <c>https://s-0123abcd.kinesisvideo.us-east-1.amazonaws.com</c>, without the API
/// path: the producer posts to <c>{PutMediaEndpoint}/putMedia</c>.
/// </param>
public sealed record KinesisVideoStreamTarget(KinesisVideoStreamInfo Stream, string Region, Uri PutMediaEndpoint);
