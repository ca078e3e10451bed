using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed unsafe class NativeBoundaryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Every_callback_from_native_code_is_a_single_call_into_the_guard()
    {
        var callbacks = typeof(SkyLine).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(method => method.GetCustomAttribute<UnmanagedCallersOnlyAttribute>() is not null)
            .ToList();

        // Every kind the issue names: RTSP server signals and filters, media signals, bus, pad probe, appsink, log, main loop, destroy notifies.
        callbacks.Select(method => method.Name).Should().Contain(
            ["OnClientConnected", "OnClientClosed", "OnRequest", "OnPlayRequest", "OnMediaConfigure", "OnMediaUnprepared", "FilterClient",
             "RemoveSession", "OnMessage", "OnEncoded", "NewSample", "Log", "RunWorkItem", "FreeGCHandle", "ReleaseFromGStreamer"]);
        var unguarded = callbacks
            .Select(method => (Method: method, Problem: Inspect(method)))
            .Where(check => check.Problem is not null)
            .Select(check => $"{check.Method.DeclaringType!.FullName}.{check.Method.Name}: {check.Problem}")
            .ToList();
        unguarded.Should().BeEmpty("an exception that reaches native code ends the process, so each callback must be one call to NativeBoundary");
    }

    [Fact]
    public void A_callback_that_throws_on_a_streaming_thread_is_contained_counted_and_logged_once()
    {
        var logger = new CapturingLogger();
        var target = new ThrowingTarget(logger);
        var before = NativeBoundary.FaultsOf(ThrowingProbeName);
        using var pipeline = Pipeline.Parse("videotestsrc num-buffers=5 ! identity name=tap ! fakesink");
        using var tap = pipeline.GetElement("tap");
        using var probe = PadProbe.Add(tap, "src", Gst.PadProbeType.Buffer, &ThrowingProbe, target);
        using var ended = new ManualResetEventSlim();
        using var bus = new BusWatcher(pipeline, Gst.MessageType.Eos, _ => ended.Set(), "bus-test", logger);

        pipeline.ChangeState(Gst.State.Playing, Wait);

        ended.Wait(Wait).Should().BeTrue("the buffers pass the probe (it answered OK) and the stream ends normally");
        target.Calls.Should().Be(5);
        NativeBoundary.FaultsOf(ThrowingProbeName).Should().Be(before + 5);
        var errors = logger.Entries.Where(entry => entry.Level == LogLevel.Error).ToList();
        errors.Should().ContainSingle().Which.Message.Should().Contain(ThrowingProbeName).And.Contain("the test's probe");
        errors[0].Exception.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("thrown by the test");
    }

    [Fact]
    public void Without_state_or_with_state_of_another_type_the_body_is_skipped_and_the_fallback_answered()
    {
        var other = GCHandle.Alloc("not a target");
        try
        {
            NativeBoundary.Enter<ThrowingTarget, int, int>("test", 0, 1, &Twice, -1).Should().Be(-1);
            NativeBoundary.Enter<ThrowingTarget, int, int>("test", GCHandle.ToIntPtr(other), 1, &Twice, -1).Should().Be(-1);
        }
        finally
        {
            other.Free();
        }
    }

    [Fact]
    public void A_logger_that_throws_while_reporting_a_fault_does_not_escape_the_guard()
    {
        var target = new ThrowingTarget(new ThrowingLogger());
        var handle = GCHandle.Alloc(target);
        try
        {
            var answer = NativeBoundary.Enter<ThrowingTarget, int, int>("test with a failing logger " + Guid.NewGuid(), GCHandle.ToIntPtr(handle), 1, &Throw, 7);

            answer.Should().Be(7);
        }
        finally
        {
            handle.Free();
        }
    }

    private const string ThrowingProbeName = "test probe that throws";

    [UnmanagedCallersOnly]
    private static Gst.PadProbeReturn ThrowingProbe(nint pad, nint info, nint state) =>
        NativeBoundary.Enter<ThrowingTarget, nint, Gst.PadProbeReturn>(ThrowingProbeName, state, info, &ThrowInProbe, Gst.PadProbeReturn.Ok);

    private static Gst.PadProbeReturn ThrowInProbe(ThrowingTarget target, nint info)
    {
        Interlocked.Increment(ref target.Calls);
        throw new InvalidOperationException("thrown by the test");
    }

    private static int Twice(ThrowingTarget target, int value) => value * 2;

    private static int Throw(ThrowingTarget target, int value) => throw new InvalidOperationException("thrown by the test");

    /// <summary>Null when the IL of <paramref name="method"/> is one call to NativeBoundary (arguments may be built with tuples), else what is wrong.</summary>
    private static string? Inspect(MethodInfo method)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            return "no body";
        }
        if (body.ExceptionHandlingClauses.Count > 0)
        {
            return "has its own try block; the guard is the only place that catches";
        }
        var guardCalls = 0;
        foreach (var called in CalledMethods(method.Module, body.GetILAsByteArray()!))
        {
            if (called.DeclaringType == typeof(NativeBoundary))
            {
                guardCalls++;
            }
            else if (!(called.IsConstructor && called.DeclaringType!.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal)) &&
                     !(called.IsConstructor && called.DeclaringType!.IsValueType && called.DeclaringType.Assembly == method.Module.Assembly))
            {
                return $"calls {called.DeclaringType!.Name}.{called.Name} outside the guard";
            }
        }
        return guardCalls == 1 ? null : $"makes {guardCalls} calls into NativeBoundary; expected exactly one";
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>The methods an IL body calls, constructs or takes the address of (call, callvirt, newobj, ldftn).</summary>
    private static IEnumerable<MethodBase> CalledMethods(Module module, byte[] il)
    {
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }
            var code = OpCodesByValue[value];
            var operand = position;
            position += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, operand)),
                _ => 4,
            };
            if (code == OpCodes.Call || code == OpCodes.Callvirt || code == OpCodes.Newobj || code == OpCodes.Ldftn)
            {
                var called = module.ResolveMethod(BitConverter.ToInt32(il, operand))!;
                // Taking the address of the body (&Body) is how the guard is told what to run.
                if (code != OpCodes.Ldftn)
                {
                    yield return called;
                }
            }
        }
    }

    private sealed class ThrowingTarget(ILogger logger) : INativeCallbackTarget
    {
        internal int Calls;

        public ILogger CallbackLogger => logger;

        public string CallbackContext => "the test's probe";
    }

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("the logger fails too");
    }
}
