using System.Text;
using Backpack.Aws.Kinesis.KvsSink;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

[Collection(ProcessEnvironmentTests.Name)]
public sealed class ProcessStartEnvironmentTests
{
    [Fact]
    public void The_start_environment_is_the_process_s_and_not_the_managed_copy()
    {
        var name = "BACKPACK_KVS_TEST_" + Guid.NewGuid().ToString("N");
        using var scope = new EnvironmentScope(new() { [name] = "set-by-dotnet" });

        var read = ProcessStartEnvironment.Read();

        read.Should().NotBeNull("/proc/self/environ is readable on Linux");
        var atStart = read!;
        atStart.Should().ContainKey("PATH");
        atStart.Should().NotContainKey(name, "Environment.SetEnvironmentVariable changes only .NET's copy, which kvssink never sees");
        Environment.GetEnvironmentVariable(name).Should().Be("set-by-dotnet");
        var view = ProcessStartEnvironment.View.Process.Get(name, "PATH");
        view[name].Should().Be(new ProcessStartEnvironment.Lookup(null, "set-by-dotnet"));
        view["PATH"].AtStart.Should().Be(atStart["PATH"]);
    }

    [Fact]
    public void Entries_are_split_on_nul_and_the_first_equals_sign()
    {
        var bytes = Encoding.UTF8.GetBytes("A=1\0B=x=y\0EMPTY=\0NOEQUALS\0A=second\0É=é");

        ProcessStartEnvironment.Parse(bytes).Should().Equal(new Dictionary<string, string>
        {
            ["A"] = "1", ["B"] = "x=y", ["EMPTY"] = "", ["É"] = "é",
        });
    }
}
