namespace Serverless.Monitoring.Core.Templates;

/// <summary>A Go slice: indexable, sliceable, ranged in order.</summary>
public abstract class GoSlice : GoValue
{
    /// <summary>The number of elements (also the capacity: templates cannot grow a slice).</summary>
    public abstract int Count { get; }

    /// <summary>Element <paramref name="index"/>.</summary>
    public abstract object? this[int index] { get; }

    /// <summary>Elements <paramref name="low"/> to <paramref name="high"/> (exclusive), sharing storage, of the same type.</summary>
    public abstract GoSlice Slice(int low, int high);

    /// <summary>A slice of type <paramref name="type"/> over <paramref name="items"/>.</summary>
    public static GoSlice Of(GoType type, IReadOnlyList<object?> items) => new ListSlice(type, items, 0, items.Count);

    /// <summary>A <c>[]string</c>.</summary>
    public static GoSlice OfStrings(IReadOnlyList<string> items) =>
        new ListSlice(GoType.StringSlice, [.. items ?? throw new ArgumentNullException(nameof(items))], 0, items.Count);

    private sealed class ListSlice : GoSlice
    {
        private readonly IReadOnlyList<object?> _items;
        private readonly int _offset;

        public ListSlice(GoType type, IReadOnlyList<object?> items, int offset, int count)
        {
            ArgumentNullException.ThrowIfNull(type);
            ArgumentNullException.ThrowIfNull(items);
            Type = type;
            _items = items;
            _offset = offset;
            Count = count;
        }

        public override GoType Type { get; }

        public override int Count { get; }

        public override object? this[int index] =>
            (uint)index < (uint)Count ? _items[_offset + index] : throw new ArgumentOutOfRangeException(nameof(index));

        public override GoSlice Slice(int low, int high)
        {
            if (low < 0 || high < low || high > Count)
            {
                throw new ArgumentOutOfRangeException(nameof(low));
            }

            return new ListSlice(Type, _items, _offset + low, high - low);
        }
    }
}
