namespace Serverless.Monitoring.Core.Instrumentation;

/// <summary>Lock-free operations on a double stored as its 64 bits.</summary>
internal static class AtomicDouble
{
    public static double Read(ref long bits) => BitConverter.Int64BitsToDouble(Volatile.Read(ref bits));

    public static void Write(ref long bits, double value) =>
        Interlocked.Exchange(ref bits, BitConverter.DoubleToInt64Bits(value));

    public static void Add(ref long bits, double amount)
    {
        var current = Volatile.Read(ref bits);
        while (true)
        {
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + amount);
            var seen = Interlocked.CompareExchange(ref bits, next, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
