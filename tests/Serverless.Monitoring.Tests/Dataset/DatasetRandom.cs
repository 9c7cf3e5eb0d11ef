namespace Serverless.Monitoring.Tests.Dataset;

/// <summary>
/// A small, fast, fully specified random generator (SplitMix64), so the dataset is the same
/// bytes on every machine and .NET version. Streams for different parts of the dataset are
/// derived from the seed and their coordinates, so they do not depend on generation order.
/// </summary>
internal struct DatasetRandom
{
    private ulong _state;
    private double _spareGaussian;
    private bool _hasSpare;

    public DatasetRandom(ulong seed)
    {
        _state = seed;
        _spareGaussian = 0;
        _hasSpare = false;
    }

    /// <summary>An independent stream for the given coordinates (e.g. seed, instance, family, metric).</summary>
    public static DatasetRandom For(long seed, int a, int b = 0, int c = 0)
    {
        var mixed = Mix((ulong)seed);
        mixed = Mix(mixed ^ (ulong)(uint)a);
        mixed = Mix(mixed ^ ((ulong)(uint)b << 21));
        mixed = Mix(mixed ^ ((ulong)(uint)c << 42));
        return new DatasetRandom(mixed);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double NextDouble(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Uniform integer in [min, max).</summary>
    public int Next(int min, int max) => min + (int)(NextDouble() * (max - min));

    /// <summary>Standard normal (Box–Muller, both values used).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }

        double u;
        do
        {
            u = NextDouble();
        }
        while (u <= double.Epsilon);

        var v = NextDouble();
        var radius = Math.Sqrt(-2.0 * Math.Log(u));
        _spareGaussian = radius * Math.Sin(2 * Math.PI * v);
        _hasSpare = true;
        return radius * Math.Cos(2 * Math.PI * v);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
