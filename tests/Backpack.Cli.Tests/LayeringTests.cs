using System.Reflection;
using Backpack.Imaging;
using Backpack.Streaming.Runtime;

namespace Backpack.Cli.Tests;

/// <summary>The layering rules of DESIGN.md, checked on the built assemblies.</summary>
public sealed class LayeringTests
{
    private static readonly Assembly Core = typeof(BgrFrame).Assembly;
    private static readonly Assembly Streaming = typeof(StreamingPrerequisites).Assembly;
    private static readonly Assembly Aws = Assembly.Load("Backpack.Aws");

    [Fact]
    public void The_core_knows_nothing_of_streaming_AWS_or_the_command()
    {
        References(Core).Should().NotContain(name => name.StartsWith("Backpack", StringComparison.Ordinal) || name.StartsWith("AWSSDK", StringComparison.Ordinal));
    }

    [Fact]
    public void The_core_has_no_native_code()
    {
        var nativeMethods = Core.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(method => method.Attributes.HasFlag(MethodAttributes.PinvokeImpl))
            .Select(method => $"{method.DeclaringType}.{method.Name}");

        nativeMethods.Should().BeEmpty();
    }

    [Fact]
    public void Streaming_knows_nothing_of_AWS()
    {
        References(Streaming).Should().NotContain(name => name == "Backpack.Aws" || name.StartsWith("AWSSDK", StringComparison.Ordinal));
    }

    [Fact]
    public void AWS_builds_on_the_core_and_AWSSDK_Core_only()
    {
        References(Aws).Should().NotContain(name =>
            name == "Backpack.Cli" || (name.StartsWith("AWSSDK", StringComparison.Ordinal) && name != "AWSSDK.Core"));
    }

    private static List<string> References(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(name => name.Name!).ToList();
}
