using System.Collections.Concurrent;

namespace Backpack.Tests.Timepiece;

/// <summary>A task scheduler that only queues: the test runs the queued callbacks with <see cref="RunAll"/>, on its own thread.</summary>
internal sealed class ManualDispatcher : TaskScheduler
{
    private readonly ConcurrentQueue<Task> _queue = new();

    public int Pending => _queue.Count;

    public int RunAll()
    {
        var ran = 0;
        while (_queue.TryDequeue(out var task))
        {
            TryExecuteTask(task);
            ran++;
        }

        return ran;
    }

    protected override void QueueTask(Task task) => _queue.Enqueue(task);

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();
}

/// <summary>A task scheduler that refuses every task, like one that was shut down.</summary>
internal sealed class RefusingDispatcher : TaskScheduler
{
    protected override void QueueTask(Task task) => throw new InvalidOperationException("This scheduler is shut down.");

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => [];
}
