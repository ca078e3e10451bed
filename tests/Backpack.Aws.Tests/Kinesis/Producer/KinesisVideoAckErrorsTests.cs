using Backpack.Aws.Kinesis.Producer;

namespace Backpack.Aws.Tests.Kinesis.Producer;

public sealed class KinesisVideoAckErrorsTests
{
    [Theory]
    [InlineData(4000, "STREAM_READ_ERROR")]
    [InlineData(4001, "MAX_FRAGMENT_SIZE_REACHED")]
    [InlineData(4002, "MAX_FRAGMENT_DURATION_REACHED")]
    [InlineData(4003, "MAX_CONNECTION_DURATION_REACHED")]
    [InlineData(4004, "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS")]
    [InlineData(4005, "MORE_THAN_ONE_TRACK_FOUND")]
    [InlineData(4006, "INVALID_MKV_DATA")]
    [InlineData(4007, "INVALID_PRODUCER_TIMESTAMP")]
    [InlineData(4008, "STREAM_NOT_ACTIVE")]
    [InlineData(4009, "FRAGMENT_METADATA_LIMIT_REACHED")]
    [InlineData(4010, "TRACK_NUMBER_MISMATCH")]
    [InlineData(4011, "FRAMES_MISSING_FOR_TRACK")]
    [InlineData(4012, "MORE_THAN_ALLOWED_TRACKS_FOUND")]
    [InlineData(4500, "KMS_KEY_ACCESS_DENIED")]
    [InlineData(4501, "KMS_KEY_DISABLED")]
    [InlineData(4502, "KMS_KEY_VALIDATION_ERROR")]
    [InlineData(4503, "KMS_KEY_UNAVAILABLE")]
    [InlineData(4504, "KMS_KEY_INVALID_USAGE")]
    [InlineData(4505, "KMS_KEY_INVALID_STATE")]
    [InlineData(4506, "KMS_KEY_NOT_FOUND")]
    [InlineData(4507, "STREAM_DELETED")]
    [InlineData(5000, "INTERNAL_ERROR")]
    [InlineData(5001, "ARCHIVAL_ERROR")]
    public void NameOf_gives_the_service_name_of_a_known_error_id(int errorId, string name)
    {
        KinesisVideoAckErrors.NameOf(errorId).Should().Be(name);
    }

    [Theory]
    [InlineData(4013, "ERROR_4013")]
    [InlineData(4499, "ERROR_4499")]
    [InlineData(5002, "ERROR_5002")]
    [InlineData(0, "ERROR_0")]
    [InlineData(-1, "ERROR_-1")]
    public void NameOf_an_unknown_error_id_is_ERROR_and_the_id(int errorId, string name)
    {
        KinesisVideoAckErrors.NameOf(errorId).Should().Be(name);
    }

    [Theory]
    [InlineData(4000)]
    [InlineData(4003)]
    [InlineData(5000)]
    [InlineData(5001)]
    [InlineData(5002)]
    [InlineData(5999)]
    public void Stream_read_errors_connection_age_and_the_service_own_failures_are_retried(int errorId)
    {
        KinesisVideoAckErrors.IsRetriable(errorId).Should().BeTrue();
    }

    [Theory]
    [InlineData(4001)]
    [InlineData(4002)]
    [InlineData(4004)]
    [InlineData(4005)]
    [InlineData(4006)]
    [InlineData(4007)]
    [InlineData(4008)]
    [InlineData(4009)]
    [InlineData(4010)]
    [InlineData(4011)]
    [InlineData(4012)]
    [InlineData(4500)]
    [InlineData(4503)]
    [InlineData(4506)]
    [InlineData(4507)]
    [InlineData(4999)]
    [InlineData(6000)]
    [InlineData(0)]
    public void Errors_about_the_data_itself_skip_the_fragment(int errorId)
    {
        KinesisVideoAckErrors.IsRetriable(errorId).Should().BeFalse();
    }
}
