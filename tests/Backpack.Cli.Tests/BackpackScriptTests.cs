using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;

namespace Backpack.Cli.Tests;

/// <summary>
/// The <c>./backpack</c> script at the repository root, run for real in a copy of the checkout's layout whose
/// <c>dotnet</c> is a stand-in that records what it was asked: the script rebuilds the tool when a source changed
/// since its stamp, and only then.
/// </summary>
[SupportedOSPlatform("linux")] // a bash script, for the Linux machines Backpack runs on
public sealed class BackpackScriptTests : IDisposable
{
    private static readonly DateTime Built = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly string _root = Directory.CreateTempSubdirectory("backpack-script-").FullName;
    private readonly string _log;
    private readonly string _bin;

    public BackpackScriptTests()
    {
        _log = Path.Combine(_root, "dotnet-calls.log");
        _bin = Path.Combine(_root, "fake-bin");
        File.Copy(Path.Combine(RepositoryRoot(), "backpack"), Path.Combine(_root, "backpack"));
        Executable(Path.Combine(_root, "eng", "prerequisites.sh"), "#!/bin/sh\nexit 0\n");
        // The stand-in dotnet writes its first argument: "build", or the tool's dll when the script runs it.
        Executable(Path.Combine(_bin, "dotnet"), "#!/bin/sh\necho \"$1\" >> \"$BACKPACK_TEST_DOTNET_LOG\"\n");
        Source("Directory.Build.props");
        Source("Directory.Packages.props");
        Source("src/Backpack/Backpack.csproj");
        Source("src/Backpack/Imaging/BgrFrame.cs");
        Source("src/Backpack.Cli/Commands/DemoCommand.cs");
        Source("artifacts/cli/.built");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Without_a_stamp_the_tool_is_built_then_run()
    {
        File.Delete(Path.Combine(_root, "artifacts/cli/.built"));

        Run().Should().Equal("build", Path.Combine(_root, "artifacts/cli/Backpack.Cli.dll"));
        File.Exists(Path.Combine(_root, "artifacts/cli/.built")).Should().BeTrue("the script stamps a successful build");
    }

    [Fact]
    public void When_nothing_changed_since_the_stamp_the_tool_is_run_without_a_build()
    {
        Run().Should().Equal(Path.Combine(_root, "artifacts/cli/Backpack.Cli.dll"));
    }

    [Theory]
    [InlineData("src/Backpack/obj/project.assets.json")]
    [InlineData("src/Backpack/obj/Release/net10.0/Backpack.AssemblyInfo.cs")]
    [InlineData("src/Backpack.Cli/bin/Release/net10.0/Backpack.Cli.dll")]
    [InlineData("src/Backpack.Cli/obj/Backpack.Cli.csproj.nuget.g.props")]
    public void Build_outputs_newer_than_the_stamp_do_not_rebuild_the_tool(string output)
    {
        // What ./test.sh leaves behind: dotnet build writes obj/ and bin/ under every project of src/.
        Source(output, Built.AddMinutes(5));

        Run().Should().NotContain("build", $"{output} is an output of a build, not a source");
    }

    [Theory]
    [InlineData("src/Backpack/Imaging/BgrFrame.cs")]
    [InlineData("src/Backpack/Annotation/NewAnnotation.cs")]
    [InlineData("src/Backpack/Backpack.csproj")]
    [InlineData("src/Backpack.Cli/Resources/page.html")]
    [InlineData("src/Backpack/Objects/Kept.cs")]
    [InlineData("src/Directory.Build.props")]
    [InlineData("Directory.Build.props")]
    [InlineData("Directory.Packages.props")]
    public void A_source_newer_than_the_stamp_rebuilds_the_tool(string source)
    {
        Source(source, Built.AddMinutes(5));

        Run().Should().Equal("build", Path.Combine(_root, "artifacts/cli/Backpack.Cli.dll"));
    }

    /// <summary>Runs <c>./backpack --version</c> and returns what the stand-in dotnet was asked, in order.</summary>
    private List<string> Run()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(_root, "backpack"));
        start.ArgumentList.Add("--version");
        start.Environment["PATH"] = $"{_bin}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["BACKPACK_TEST_DOTNET_LOG"] = _log;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(30_000).Should().BeTrue("the script with a stand-in dotnet returns at once");
        process.ExitCode.Should().Be(0, $"the script succeeds (stdout: {output}; stderr: {error.Result})");
        return File.Exists(_log) ? [.. File.ReadAllLines(_log)] : [];
    }

    /// <summary>Writes a file under the copy, last written at <paramref name="written"/> (the stamp's time by default).</summary>
    private void Source(string relativePath, DateTime? written = null)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "// " + relativePath + "\n");
        File.SetLastWriteTimeUtc(path, written ?? Built);
    }

    private static void Executable(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string RepositoryRoot([CallerFilePath] string callerPath = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerPath)!, "..", ".."));
}
