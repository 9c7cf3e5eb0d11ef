namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>Set operations on postings: ascending arrays of series refs without duplicates.</summary>
internal static class PostingsMath
{
    /// <summary>The union of lists that may overlap.</summary>
    public static uint[] Union(List<uint[]> lists)
    {
        if (lists.Count == 1)
        {
            return lists[0];
        }

        var total = 0;
        foreach (var l in lists)
        {
            total += l.Length;
        }

        var all = new uint[total];
        var n = 0;
        foreach (var l in lists)
        {
            l.CopyTo(all, n);
            n += l.Length;
        }

        Array.Sort(all);
        var kept = 0;
        for (var i = 0; i < all.Length; i++)
        {
            if (kept == 0 || all[i] != all[kept - 1])
            {
                all[kept++] = all[i];
            }
        }

        return kept == all.Length ? all : all[..kept];
    }

    public static uint[] Intersect(uint[] a, uint[] b)
    {
        var result = new uint[Math.Min(a.Length, b.Length)];
        int i = 0, j = 0, n = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] < b[j])
            {
                i++;
            }
            else if (a[i] > b[j])
            {
                j++;
            }
            else
            {
                result[n++] = a[i];
                i++;
                j++;
            }
        }

        return n == result.Length ? result : result[..n];
    }

    /// <summary>The elements of <paramref name="a"/> not in <paramref name="b"/>.</summary>
    public static uint[] Subtract(uint[] a, uint[] b)
    {
        var result = new uint[a.Length];
        int i = 0, j = 0, n = 0;
        while (i < a.Length)
        {
            while (j < b.Length && b[j] < a[i])
            {
                j++;
            }

            if (j >= b.Length || b[j] != a[i])
            {
                result[n++] = a[i];
            }

            i++;
        }

        return n == result.Length ? result : result[..n];
    }
}
