namespace Backpack.Aws.Kinesis.Producer;

/// <summary>The kinds of <see cref="SessionEnd"/>.</summary>
internal enum SessionEndKind
{
    /// <summary>Closed with the end-of-fragment tag (rotation, a stop, nothing to send, a new codec configuration).</summary>
    Ended,

    /// <summary>Refused, dropped, stalled or ended by an error acknowledgement: what it did not deliver is sent again.</summary>
    Failed,

    /// <summary>Closed at once by the producer (a stop that could not wait, a dispose).</summary>
    Stopped,
}
