namespace Backpack.Aws.Kinesis.Producer;

/// <summary>The EventType of a PutMedia fragment acknowledgement.</summary>
internal enum FragmentAckType
{
    /// <summary>An EventType this code does not know, or none at all; kept so that a new service event is not an error.</summary>
    Unknown,

    /// <summary>IDLE: sent periodically while no data arrives; carries no FragmentTimecode.</summary>
    Idle,

    /// <summary>BUFFERING: the service received the first byte of the fragment.</summary>
    Buffering,

    /// <summary>RECEIVED: the service received the whole fragment.</summary>
    Received,

    /// <summary>PERSISTED: the fragment is stored (only when the stream retains data).</summary>
    Persisted,

    /// <summary>ERROR: the service could not take the fragment; ErrorId says why, and the service ends the connection.</summary>
    Error,
}
