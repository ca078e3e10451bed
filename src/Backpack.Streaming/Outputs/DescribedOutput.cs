using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Outputs;

/// <summary>
/// The primary output of a SkyLine subclass that says what follows the encoder by overriding
/// <see cref="SkyLine.GetOutputDescription"/>: a <see cref="SinkOutput"/> whose description is asked for
/// each stream.
/// </summary>
internal sealed class DescribedOutput(SkyLine owner, Func<StreamFormat, string?> describe, ILoggerFactory? loggerFactory)
    : SinkOutput(owner.Options.Name, loggerFactory)
{
    private protected override string DescriptionFor(StreamFormat format) =>
        describe(format) ?? throw new InvalidOperationException($"SkyLine {owner.Options.Name} described no output for {format}.");
}
