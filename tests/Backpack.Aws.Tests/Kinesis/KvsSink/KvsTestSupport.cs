using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Backpack.Aws.Credentials;
using Backpack.Aws.Kinesis.KvsSink;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

/// <summary>Environments, directories and credential sources for the kvssink tests.</summary>
internal static class KvsTestSupport
{
    public const string AccessKey = "ASIABACKPACKKVS00001";

    /// <summary>Both views of an environment: what the process started with, and what .NET code set.</summary>
    public static ProcessStartEnvironment.View Environment(Dictionary<string, string>? atStart = null, Dictionary<string, string>? managed = null) =>
        new(() => atStart ?? [], name => (managed ?? atStart ?? []).GetValueOrDefault(name));

    /// <summary>An environment without AWS variables, so kvssink would read the credential file.</summary>
    public static ProcessStartEnvironment.View CleanEnvironment => Environment();

    /// <summary>
    /// Temporary credentials on <paramref name="clock"/>: fetch n gives key <c>ASIA…{n}</c>, valid <paramref name="lifetime"/>
    /// from the moment of the fetch; <paramref name="fetches"/> counts them.
    /// </summary>
    public static TemporaryCredentials Temporary(TimeProvider clock, TimeSpan lifetime, StrongBox<int> fetches, TimeSpan? refreshBefore = null) =>
        new(_ =>
        {
            var n = Interlocked.Increment(ref fetches.Value);
            return Task.FromResult((new ImmutableCredentials($"ASIABACKPACKKVS{n:D5}", $"{Fakes.TestCredentials.Secret}{n}", $"{Fakes.TestCredentials.Token}{n}"), clock.GetUtcNow() + lifetime));
        }, refreshBefore, clock);
}

/// <summary>A directory of the test's own, removed with everything in it.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory(string prefix = "backpack-kvssink-tests-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    /// <summary>The handlers' private directories made in it.</summary>
    public IReadOnlyList<string> PrivateDirectories => Directory.GetDirectories(Path, KvsCredentialFile.DirectoryPrefix + "*");

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
