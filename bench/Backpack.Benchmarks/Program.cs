using BenchmarkDotNet.Running;

namespace Backpack.Benchmarks;

/// <summary>
/// Runs the micro-benchmarks: <c>dotnet run -c Release --project bench/Backpack.Benchmarks -- --filter '*'</c>
/// (any BenchmarkDotNet arguments work, such as <c>--filter *Ticker*</c>).
/// </summary>
internal static class Program
{
    private static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
}
