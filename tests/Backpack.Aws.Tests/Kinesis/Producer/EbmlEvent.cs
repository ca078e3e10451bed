namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>What <see cref="EbmlStreamParser"/> found.</summary>
internal enum EbmlEventKind
{
    /// <summary>A master element's header was read; its children follow.</summary>
    Start,

    /// <summary>A master element ended (its size was reached, a sibling or parent-level element began, or the stream ended).</summary>
    End,

    /// <summary>A non-master element, read whole (<see cref="EbmlEvent.Data"/>).</summary>
    Leaf,

    /// <summary>The bytes are not EBML (bad vint) or a known-size element overran its parent; the parser stops.</summary>
    Error,
}

/// <summary>
/// One element event of an EBML stream: <paramref name="Offset"/> is the stream offset of the element's ID
/// (for <see cref="EbmlEventKind.End"/>: the offset just past the element), <paramref name="Size"/> the data size or -1 when unknown.
/// </summary>
internal sealed record EbmlEvent(EbmlEventKind Kind, uint Id, long Size, long Offset, int Depth, byte[]? Data = null, string? Error = null);
