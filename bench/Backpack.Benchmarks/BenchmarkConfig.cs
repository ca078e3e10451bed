using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Backpack.Benchmarks;

/// <summary>
/// The configuration every benchmark shares: allocations measured, and the in-process toolchain,
/// because BenchmarkDotNet 0.14 cannot generate a project for .NET 10 by itself.
/// </summary>
internal static class BenchmarkConfig
{
    internal static IConfig Create() =>
        DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
}
