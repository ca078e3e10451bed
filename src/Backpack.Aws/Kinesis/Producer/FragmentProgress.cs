namespace Backpack.Aws.Kinesis.Producer;

/// <summary>Where a fragment is, from the producer's side and from the service's acknowledgements.</summary>
internal enum FragmentProgress
{
    /// <summary>Not acknowledged yet (not sent, being sent, or sent on a connection that failed).</summary>
    Pending,

    /// <summary>The service began to receive it (BUFFERING).</summary>
    Buffering,

    /// <summary>The service received all of it (RECEIVED): not sent again; final on a stream without retention.</summary>
    Received,

    /// <summary>The service stored it (PERSISTED): final.</summary>
    Persisted,

    /// <summary>The service refused it with an error that sending again would not cure (such as 4004): final.</summary>
    Skipped,

    /// <summary>Dropped unacknowledged because the buffer was full, or abandoned at a stop: final.</summary>
    Dropped,
}
