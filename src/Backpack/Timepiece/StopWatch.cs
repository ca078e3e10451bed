using System.Collections.ObjectModel;
using System.Text;

namespace Backpack.Timepiece;

/// <summary>
/// Measures how long a block of code takes, again and again: as a <c>using</c> scope
/// (<see cref="Start"/>) or by wrapping a delegate (<see cref="Measure(Action)"/>, the Python original's
/// decorator). Stopwatches form a tree: <see cref="Child"/> names a part of the parent's work, such as
/// preprocessing, inference and postprocessing of a frame.
/// </summary>
/// <remarks>
/// <para>
/// Each measurement records the block's duration; the <see cref="IntervalTimer"/> statistics describe the
/// last <see cref="IntervalTimer.MaxIntervals"/> of them. A scope is a struct and recording allocates
/// nothing, so measuring a block in a frame loop costs two timestamp reads.
/// </para>
/// <para>
/// Not thread safe: measure and create children from one thread at a time.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var root = new StopWatch("root");
/// using (root.Start())
/// {
///     var task1 = root.Child("task1", maxIntervals: 5);
///     using (task1.Start())
///     {
///         using (task1.Child("subtask1_1").Start()) { Preprocess(); }
///         using (task1.Child("subtask1_2").Start()) { Infer(); }
///     }
///     var postprocess = root.Child("task2").Measure(Postprocess);
///     postprocess();
/// }
/// Console.WriteLine(root);
/// // &lt;StopWatch name=root intervals=[0.5416] min=0.5416 mean=0.5416 max=0.5416 children=[
/// //     &lt;StopWatch name=task1 intervals=[0.2505] min=0.2505 mean=0.2505 max=0.2505 children=[
/// //         &lt;StopWatch name=subtask1_1 intervals=[0.0301] min=0.0301 mean=0.0301 max=0.0301&gt;,
/// //         &lt;StopWatch name=subtask1_2 intervals=[0.0701] min=0.0701 mean=0.0701 max=0.0701&gt;
/// //     ]&gt;,
/// //     &lt;StopWatch name=task2 intervals=[0.0275] min=0.0275 mean=0.0275 max=0.0275&gt;
/// // ]&gt;
/// </code>
/// </example>
public sealed class StopWatch : IntervalTimer, IIntervalRecorder
{
    private const string Indent = "    ";

    private readonly TimeProvider _time;
    private readonly List<StopWatch> _children = [];
    private readonly Dictionary<string, StopWatch> _childrenByName = new(StringComparer.Ordinal);

    /// <summary>Creates a root stopwatch.</summary>
    /// <param name="name">What the stopwatch measures; not empty. Part of <see cref="FullName"/>.</param>
    /// <param name="maxIntervals">How many of the latest measurements to keep, at least 1.</param>
    /// <param name="timeProvider">Where time comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxIntervals"/> is less than 1.</exception>
    public StopWatch(string name, int maxIntervals = 10, TimeProvider? timeProvider = null)
        : this(ValidateName(name), maxIntervals, timeProvider ?? TimeProvider.System, parent: null)
    {
    }

    private StopWatch(string name, int maxIntervals, TimeProvider timeProvider, StopWatch? parent)
        : base(maxIntervals, timeProvider.TimestampFrequency)
    {
        Name = name;
        Parent = parent;
        _time = timeProvider;
        Children = new ReadOnlyCollection<StopWatch>(_children);
    }

    /// <summary>What the stopwatch measures, as given at creation.</summary>
    public string Name { get; }

    /// <summary>The stopwatch this one is a child of; null for a root.</summary>
    public StopWatch? Parent { get; }

    /// <summary>The children, in the order they were created (a live view).</summary>
    public IReadOnlyList<StopWatch> Children { get; }

    /// <summary>The parent, its parent and so on up to the root, nearest first.</summary>
    public IEnumerable<StopWatch> Parents
    {
        get
        {
            for (var parent = Parent; parent is not null; parent = parent.Parent)
            {
                yield return parent;
            }
        }
    }

    /// <summary>The names from the root down to this stopwatch joined by dots, such as <c>root.task1.subtask1_1</c>.</summary>
    public string FullName => Parent is null ? Name : Parent.FullName + "." + Name;

    /// <summary>The number of parents: 0 for a root, 1 for its children, and so on.</summary>
    public int Level => Parent is null ? 0 : Parent.Level + 1;

    TimeProvider IIntervalRecorder.Time => _time;

    /// <summary>
    /// The child named <paramref name="name"/>: the existing one, or a new one that keeps
    /// <paramref name="maxIntervals"/> measurements (this stopwatch's <see cref="IntervalTimer.MaxIntervals"/> when null)
    /// and shares its <see cref="TimeProvider"/>. Finding an existing child allocates nothing.
    /// </summary>
    /// <param name="name">The child's name; not empty.</param>
    /// <param name="maxIntervals">For a new child, how many measurements it keeps (at least 1); for an existing one it is checked but otherwise ignored.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxIntervals"/> is less than 1.</exception>
    public StopWatch Child(string name, int? maxIntervals = null)
    {
        ValidateName(name);
        if (maxIntervals is < 1)
        {
            // Checked before the lookup, so a bad argument is refused whether or not the child exists.
            throw new ArgumentOutOfRangeException(nameof(maxIntervals), maxIntervals, "Expected a stopwatch to keep at least 1 interval.");
        }
        if (_childrenByName.TryGetValue(name, out var existing))
        {
            return existing;
        }

        var child = new StopWatch(name, maxIntervals ?? MaxIntervals, _time, this);
        _childrenByName.Add(name, child);
        _children.Add(child);
        return child;
    }

    /// <summary>
    /// Starts a measurement that ends when the returned scope is disposed:
    /// <c>using (watch.Start()) { ... }</c>. Allocates nothing.
    /// </summary>
    public StopWatchScope Start() => StopWatchScope.Start(this);

    /// <summary>
    /// Wraps <paramref name="action"/> so that each call of the returned action is measured, even when it throws.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public Action Measure(Action action) => StopWatchScope.Wrap(this, action);

    /// <summary>
    /// Wraps <paramref name="function"/> so that each call of the returned function is measured, even when it throws.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public Func<TResult> Measure<TResult>(Func<TResult> function) => StopWatchScope.Wrap(this, function);

    void IIntervalRecorder.Stop(long startTimestamp) => Record(_time.GetTimestamp() - startTimestamp);

    /// <summary>
    /// The stopwatch and its children in the Python original's shape, one line per child indented by 4
    /// spaces per level below this one:
    /// <c>&lt;StopWatch name=root intervals=[0.5416] min=0.5416 mean=0.5416 max=0.5416 children=[ ... ]&gt;</c>.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        AppendTree(text, depth: 0);
        return text.ToString();
    }

    private void AppendTree(StringBuilder text, int depth)
    {
        text.Insert(text.Length, Indent, depth).Append("<StopWatch name=").Append(Name);
        AppendStatistics(text);
        if (_children.Count > 0)
        {
            text.Append(" children=[");
            for (var i = 0; i < _children.Count; i++)
            {
                text.Append(i == 0 ? "\n" : ",\n");
                _children[i].AppendTree(text, depth + 1);
            }

            text.Append('\n').Insert(text.Length, Indent, depth).Append(']');
        }

        text.Append('>');
    }

    private static string ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }
}
