namespace Backpack.Aws.Kinesis;

/// <summary>The status of a Kinesis video stream, as <c>DescribeStream</c> reports it (<c>StreamInfo.Status</c>).</summary>
public enum KinesisVideoStreamStatus
{
    /// <summary>A status this version of Backpack does not know; treated as "not ready yet".</summary>
    Unknown = 0,

    /// <summary><c>CREATING</c>: <c>CreateStream</c> was accepted and the stream is being set up; it takes no media yet.</summary>
    Creating,

    /// <summary><c>ACTIVE</c>: the stream takes media (<c>PutMedia</c>) and plays it back.</summary>
    Active,

    /// <summary><c>UPDATING</c>: a change of the stream's settings is being applied.</summary>
    Updating,

    /// <summary><c>DELETING</c>: the stream is being deleted; it will not take media again.</summary>
    Deleting,
}
