using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Tests.Threading;

public sealed partial class BackgroundWorkTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Every_timer_work_item_and_thread_the_library_starts_goes_through_the_guard()
    {
        var root = RepositoryRoot();
        var guard = Path.Combine(root, "src", "Backpack", "Threading", "BackgroundWork.cs");
        var sources = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && path != guard)
            .ToList();
        sources.Should().HaveCountGreaterThan(100, "the scan must see the sources");

        var unguarded = sources
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (Path: Path.GetRelativePath(root, path), Number: index + 1, Line: line.Trim())))
            .Where(line => !line.Line.StartsWith("//", StringComparison.Ordinal) && Unguarded(line.Line))
            .Select(line => $"{line.Path}:{line.Number}: {line.Line}")
            .ToList();

        unguarded.Should().BeEmpty(
            "an exception escaping a library thread, timer or work item ends the application's process: start them with BackgroundWork " +
            "(a task only when awaited where it starts, or with a comment saying who observes it)");
    }

    [Theory]
    [InlineData("_timer = _clock.CreateTimer(OnTimer, null, due, period);")]
    [InlineData("ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);")]
    [InlineData("ThreadPool.QueueUserWorkItem(_ => Work());")]
    [InlineData("_thread = new Thread(Run) { IsBackground = true };")]
    [InlineData("var timer = new Timer(Tick, null, 0, 1000);")]
    [InlineData("_loop = Task.Run(SendLoopAsync);")]
    [InlineData("_ = Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning);")]
    public void The_scan_recognises_each_way_of_starting_background_work(string line) => Unguarded(line).Should().BeTrue();

    [Theory]
    [InlineData("await Task.Run(Finish, CancellationToken.None).ConfigureAwait(false);")]
    [InlineData("_timer = BackgroundWork.CreateTimer(_clock, \"a timer\", Logger, this, static owner => owner.Tick(), due, period);")]
    [InlineData("var reader = Task.Run(() => ReadAsync(session), CancellationToken.None); // observed: awaited by the supervisor")]
    public void The_scan_lets_guarded_or_observed_work_pass(string line) => Unguarded(line).Should().BeFalse();

    [Fact]
    public void A_body_that_throws_is_contained_counted_and_logged_once_with_its_entry_point()
    {
        var entry = "test entry " + Guid.NewGuid();
        var logger = new ListLogger();

        for (var i = 0; i < 3; i++)
        {
            BackgroundWork.Run(entry, logger, () => throw new InvalidOperationException("thrown by the test"));
        }

        BackgroundWork.FaultsOf(entry).Should().Be(3);
        logger.Errors.Should().ContainSingle().Which.Message.Should().Contain(entry);
        logger.Errors[0].Exception.Should().BeOfType<InvalidOperationException>();
    }

    [Fact]
    public void A_logger_that_throws_while_reporting_does_not_escape_the_guard()
    {
        var entry = "test entry with a failing logger " + Guid.NewGuid();

        var run = () => BackgroundWork.Run(entry, new ThrowingLogger(), 1, static _ => throw new InvalidOperationException("thrown by the test"));

        run.Should().NotThrow();
        BackgroundWork.FaultsOf(entry).Should().Be(1);
    }

    [Fact]
    public async Task A_timer_a_work_item_a_thread_and_a_loop_that_throw_leave_the_process_running()
    {
        var entry = "test background kinds " + Guid.NewGuid();
        using var done = new CountdownEvent(4);
        var logger = new ThrowingLogger();

        using var timer = BackgroundWork.CreateTimer(TimeProvider.System, entry, logger, done, static countdown => Fail(countdown), TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        BackgroundWork.Queue(entry, logger, done, static countdown => Fail(countdown));
        var thread = BackgroundWork.CreateThread(entry, "test thread", logger, () => Fail(done));
        thread.Start();
        var loop = BackgroundWork.RunAsync(entry, logger, async () =>
        {
            await Task.Yield();
            Fail(done);
        });

        done.Wait(Wait).Should().BeTrue();
        thread.Join(Wait).Should().BeTrue();
        await loop.WaitAsync(Wait);
        loop.IsCompletedSuccessfully.Should().BeTrue("an owner that awaits the loop does not get its fault");
        SpinWait.SpinUntil(() => BackgroundWork.FaultsOf(entry) == 4, Wait).Should().BeTrue();
    }

    [Fact]
    public void A_contained_logger_drops_what_its_logger_throws()
    {
        var factory = ContainedLoggerFactory.Wrap((ILoggerFactory)new ThrowingLogger());
        var logger = factory.CreateLogger("test");

        var log = () => logger.Log(LogLevel.Error, default, "a message", new InvalidOperationException("logged"), static (message, _) => message);

        log.Should().NotThrow();
        logger.IsEnabled(LogLevel.Error).Should().BeFalse("a logger whose IsEnabled throws logs nothing");
        ContainedLoggerFactory.Wrap(factory).Should().BeSameAs(factory);
    }

    private static void Fail(CountdownEvent done)
    {
        done.Signal();
        throw new InvalidOperationException("thrown by the test");
    }

    /// <summary>
    /// Whether a line of source starts background work without the guard. A task (whose fault only faults the task) may also
    /// be awaited where it starts, or say on its line who observes it (<c>// observed: ...</c>) or why nothing escapes (<c>// contained: ...</c>).
    /// </summary>
    private static bool Unguarded(string line)
    {
        if (line.Contains("BackgroundWork.", StringComparison.Ordinal))
        {
            return false;
        }
        if (DirectStart().IsMatch(line))
        {
            return true;
        }
        return TaskRun().IsMatch(line) && !line.Contains("await ", StringComparison.Ordinal) &&
            !line.Contains("// observed:", StringComparison.Ordinal) && !line.Contains("// contained:", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\bCreateTimer\(|\bUnsafeQueueUserWorkItem\(|\bQueueUserWorkItem\(|\bnew\s+(System\.Threading\.)?Thread\(|\bnew\s+(System\.Threading\.)?Timer\(|\bnew\s+System\.Timers\.Timer\(")]
    private static partial Regex DirectStart();

    [GeneratedRegex(@"\bTask\.Run\(|\bTask\.Factory\.StartNew\(")]
    private static partial Regex TaskRun();

    private static string RepositoryRoot([CallerFilePath] string here = "")
    {
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(here)!); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Backpack.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No Backpack.slnx above {here}.");
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<(string Message, Exception? Exception)> _errors = [];

        internal IReadOnlyList<(string Message, Exception? Exception)> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                lock (_errors)
                {
                    _errors.Add((formatter(state, exception), exception));
                }
            }
        }
    }

    /// <summary>A logger (and factory) that throws on every call.</summary>
    private sealed class ThrowingLogger : ILogger, ILoggerFactory
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => throw new InvalidOperationException("the logger fails");

        public bool IsEnabled(LogLevel logLevel) => throw new InvalidOperationException("the logger fails");

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("the logger fails");

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
