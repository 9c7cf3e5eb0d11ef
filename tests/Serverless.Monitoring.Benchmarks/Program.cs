using BenchmarkDotNet.Running;

namespace Serverless.Monitoring.Benchmarks;

/// <summary>
/// Runs the benchmark classes of this assembly; pick with --filter, e.g. --filter '*ChunkCodec*'.
/// Namespaced so it does not collide with the function app's global <c>Program</c>.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
