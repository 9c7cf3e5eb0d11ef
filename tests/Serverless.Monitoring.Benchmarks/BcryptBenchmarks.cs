using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.Hashing;

namespace Serverless.Monitoring.Benchmarks;

/// <summary>
/// One bcrypt check (what an uncached basic-auth request costs) at the cost htpasswd and the
/// exporter-toolkit docs suggest (10) and at the lowest (4). Upstream's Go check at cost 10 is
/// documented as about 70 ms.
/// </summary>
public class BcryptBenchmarks
{
    // "secret", written by libxcrypt at cost 10; the cost-4 hash by libxcrypt too.
    private const string Cost10 = "$2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy";
    private const string Cost4 = "$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm";

    [Benchmark(Description = "verify, cost 10")]
    public bool VerifyCost10() => Bcrypt.Verify("secret"u8, Cost10);

    [Benchmark(Description = "verify, cost 4")]
    public bool VerifyCost4() => Bcrypt.Verify("password"u8, Cost4);
}
