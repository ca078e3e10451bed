using Microsoft.Extensions.Logging;

namespace Backpack.Threading;

/// <summary>
/// A reusable thread-pool work item (queued with <see cref="BackgroundWork.Queue(GuardedWorkItem)"/>) whose
/// <see cref="Execute"/> runs inside <see cref="BackgroundWork"/>'s guard: queueing it again allocates nothing,
/// for paths that must not allocate (a Put).
/// </summary>
/// <param name="entry">The entry point, for the count and the log.</param>
/// <param name="logger">Where the first fault goes; null writes one line to standard error.</param>
internal abstract class GuardedWorkItem(string entry, ILogger? logger) : IThreadPoolWorkItem
{
    void IThreadPoolWorkItem.Execute() => BackgroundWork.Run(entry, logger, this, static item => item.Execute());

    /// <summary>The work, run on a thread-pool thread inside the guard.</summary>
    protected abstract void Execute();
}
