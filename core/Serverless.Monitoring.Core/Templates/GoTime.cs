using System.Globalization;
using System.Text;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// Go's <c>time.Time</c> as templates see it (what <c>toTime</c> returns, and Alertmanager's
/// <c>StartsAt</c>): an instant in nanoseconds with a fixed zone offset, printed with Go's
/// <c>String()</c> and formatted with Go's reference-time layouts (<c>Format "2006-01-02"</c>).
/// The value is a <c>time.Time</c> or, from <c>toTime</c>, a <c>*time.Time</c>; both have the methods.
/// </summary>
public sealed class GoTime : GoValue
{
    private const long NanosPerSecond = 1_000_000_000;

    private GoTime(GoType type, long seconds, int nanos, int offsetSeconds, string zone)
    {
        Type = type;
        UnixSeconds = seconds;
        Nanos = nanos;
        OffsetSeconds = offsetSeconds;
        Zone = zone;
    }

    /// <summary><c>time.Time</c>.</summary>
    public static GoType TimeType { get; } = new("time.Time", GoKind.Struct);

    /// <summary><c>*time.Time</c>.</summary>
    public static GoType TimePointerType { get; } = new("*time.Time", GoKind.Pointer, TimeType);

    /// <summary><c>time.Month</c>, an integer that prints as <c>January</c>.</summary>
    public static GoType MonthType { get; } = new GoType("time.Month", GoKind.Int, zero: 0L).WithMethods(
        new TemplateFunction("String", [], null, static (c, _) => MonthName((long)((GoNamed)c.Receiver!).Underlying)));

    /// <summary><c>time.Weekday</c>, an integer that prints as <c>Sunday</c>.</summary>
    public static GoType WeekdayType { get; } = new GoType("time.Weekday", GoKind.Int, zero: 0L).WithMethods(
        new TemplateFunction("String", [], null, static (c, _) => DayName((long)((GoNamed)c.Receiver!).Underlying)));

    /// <summary>Seconds since 1970-01-01 UTC.</summary>
    public long UnixSeconds { get; }

    /// <summary>Nanoseconds within the second, 0 to 999,999,999.</summary>
    public int Nanos { get; }

    /// <summary>The zone's offset from UTC.</summary>
    public int OffsetSeconds { get; }

    /// <summary>The zone's abbreviation, e.g. <c>UTC</c>.</summary>
    public string Zone { get; }

    public override GoType Type { get; }

    /// <summary>A <c>time.Time</c> in UTC, <paramref name="unixNanos"/> after the epoch.</summary>
    public static GoTime FromUnixNanos(long unixNanos, bool pointer = false)
    {
        var seconds = Math.DivRem(unixNanos, NanosPerSecond, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += NanosPerSecond;
        }

        return new GoTime(pointer ? TimePointerType : TimeType, seconds, (int)nanos, 0, "UTC");
    }

    /// <summary>A <c>time.Time</c> in UTC (or at <paramref name="offset"/>, named <paramref name="zone"/>).</summary>
    public static GoTime FromUnix(long seconds, long nanos, int offset = 0, string zone = "UTC", bool pointer = false)
    {
        seconds += Math.DivRem(nanos, NanosPerSecond, out var rem);
        if (rem < 0)
        {
            seconds--;
            rem += NanosPerSecond;
        }

        return new GoTime(pointer ? TimePointerType : TimeType, seconds, (int)rem, offset, zone ?? "UTC");
    }

    /// <summary>A <c>time.Time</c> at the instant of <paramref name="time"/>, in UTC.</summary>
    public static GoTime FromDateTimeOffset(DateTimeOffset time) =>
        FromUnix(time.ToUnixTimeSeconds(), (time.UtcTicks % TimeSpan.TicksPerSecond) * 100);

    public override GoValue Dereference() =>
        ReferenceEquals(Type, TimePointerType) ? new GoTime(TimeType, UnixSeconds, Nanos, OffsetSeconds, Zone) : this;

    /// <summary>Go's <c>Time.String()</c>: <c>2006-01-02 15:04:05.999999999 -0700 MST</c>.</summary>
    public override string ToString() => Format("2006-01-02 15:04:05.999999999 -0700 MST");

    static GoTime()
    {
        var methods = new TemplateFunction[]
        {
            new("String", [], null, static (c, _) => Self(c).ToString()),
            new("Format", [GoType.GoString], null, static (c, a) => Self(c).Format((string)a[0]!)),
            new("Unix", [], null, static (c, _) => Self(c).UnixSeconds),
            new("UnixMilli", [], null, static (c, _) => (Self(c).UnixSeconds * 1000) + (Self(c).Nanos / 1_000_000)),
            new("UnixNano", [], null, static (c, _) => unchecked((Self(c).UnixSeconds * NanosPerSecond) + Self(c).Nanos)),
            new("UTC", [], null, static (c, _) => new GoTime(TimeType, Self(c).UnixSeconds, Self(c).Nanos, 0, "UTC")),
            new("Year", [], null, static (c, _) => (long)Self(c).Civil().Year),
            new("Month", [], null, static (c, _) => new GoNamed(MonthType, (long)Self(c).Civil().Month)),
            new("Day", [], null, static (c, _) => (long)Self(c).Civil().Day),
            new("YearDay", [], null, static (c, _) => (long)Self(c).Civil().YearDay),
            new("Weekday", [], null, static (c, _) => new GoNamed(WeekdayType, (long)Self(c).Civil().Weekday)),
            new("Hour", [], null, static (c, _) => (long)(Self(c).LocalSecondOfDay() / 3600)),
            new("Minute", [], null, static (c, _) => (long)(Self(c).LocalSecondOfDay() / 60 % 60)),
            new("Second", [], null, static (c, _) => (long)(Self(c).LocalSecondOfDay() % 60)),
            new("Nanosecond", [], null, static (c, _) => (long)Self(c).Nanos),
            new("IsZero", [], null, static (c, _) => Self(c).UnixSeconds == -62135596800 && Self(c).Nanos == 0),
            new("Before", [TimeType], null, static (c, a) => Self(c).CompareTo((GoTime)a[0]!) < 0),
            new("After", [TimeType], null, static (c, a) => Self(c).CompareTo((GoTime)a[0]!) > 0),
            new("Equal", [TimeType], null, static (c, a) => Self(c).CompareTo((GoTime)a[0]!) == 0),
            new("Add", [GoDuration.DurationType], null, static (c, a) => Self(c).Add((long)((GoNamed)a[0]!).Underlying)),
            new("Sub", [TimeType], null, static (c, a) => GoDuration.Of(Self(c).Sub((GoTime)a[0]!))),
        };
        TimeType.WithMethods(methods);
        TimePointerType.WithMethods(methods);
    }

    private static GoTime Self(TemplateCall call) => (GoTime)call.Receiver!;

    private int CompareTo(GoTime other) => UnixSeconds != other.UnixSeconds ? UnixSeconds.CompareTo(other.UnixSeconds) : Nanos.CompareTo(other.Nanos);

    private GoTime Add(long nanos) => FromUnix(UnixSeconds, Nanos + nanos, OffsetSeconds, Zone);

    // Go saturates the difference at the limits of a Duration.
    private long Sub(GoTime other)
    {
        var seconds = (Int128)(UnixSeconds - other.UnixSeconds) * NanosPerSecond + (Nanos - other.Nanos);
        return seconds > long.MaxValue ? long.MaxValue : seconds < long.MinValue ? long.MinValue : (long)seconds;
    }

    private long LocalSeconds => UnixSeconds + OffsetSeconds;

    private long LocalSecondOfDay() => ((LocalSeconds % 86400) + 86400) % 86400;

    private readonly record struct CivilDate(long Year, int Month, int Day, int YearDay, int Weekday);

    // Days since the epoch to a proleptic Gregorian date (Howard Hinnant's algorithm), any year.
    private CivilDate Civil()
    {
        var days = LocalSeconds >= 0 ? LocalSeconds / 86400 : -((-LocalSeconds + 86399) / 86400);
        var z = days + 719468;
        var era = (z >= 0 ? z : z - 146096) / 146097;
        var doe = z - (era * 146097);
        var yoe = (doe - (doe / 1460) + (doe / 36524) - (doe / 146096)) / 365;
        var y = yoe + (era * 400);
        var doy = doe - ((365 * yoe) + (yoe / 4) - (yoe / 100));
        var mp = ((5 * doy) + 2) / 153;
        var d = (int)(doy - (((153 * mp) + 2) / 5) + 1);
        var m = (int)(mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2)
        {
            y++;
        }

        var leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int[] cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        var yday = cumulative[m - 1] + d + (leap && m > 2 ? 1 : 0);
        var weekday = (int)(((days % 7) + 11) % 7); // 1970-01-01 was a Thursday (4)
        return new CivilDate(y, m, d, yday, weekday);
    }

    private static string MonthName(long m) => m is >= 1 and <= 12
        ? CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName((int)m)
        : "%!Month(" + m.ToString(CultureInfo.InvariantCulture) + ")";

    private static string DayName(long d) => d is >= 0 and <= 6
        ? CultureInfo.InvariantCulture.DateTimeFormat.GetDayName((DayOfWeek)d)
        : "%!Weekday(" + d.ToString(CultureInfo.InvariantCulture) + ")";

    /// <summary>Go's <c>Time.Format</c> with a reference-time layout (<c>Mon Jan 2 15:04:05 MST 2006</c>).</summary>
    public string Format(string layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var sb = new StringBuilder(layout.Length + 10);
        var civil = Civil();
        var secondOfDay = LocalSecondOfDay();
        var hour = (int)(secondOfDay / 3600);
        var minute = (int)(secondOfDay / 60 % 60);
        var second = (int)(secondOfDay % 60);
        var rest = layout;
        while (rest.Length > 0)
        {
            var (prefix, std, suffix) = NextChunk(rest);
            sb.Append(prefix);
            if (std is null)
            {
                break;
            }

            rest = suffix;
            switch (std.Value.Kind)
            {
                case Std.LongYear: AppendInt(sb, civil.Year, 4); break;
                case Std.Year: AppendInt(sb, ((civil.Year % 100) + 100) % 100, 2); break;
                case Std.LongMonth: sb.Append(MonthName(civil.Month)); break;
                case Std.Month: sb.Append(MonthName(civil.Month)[..3]); break;
                case Std.NumMonth: AppendInt(sb, civil.Month, 0); break;
                case Std.ZeroMonth: AppendInt(sb, civil.Month, 2); break;
                case Std.LongWeekDay: sb.Append(DayName(civil.Weekday)); break;
                case Std.WeekDay: sb.Append(DayName(civil.Weekday)[..3]); break;
                case Std.Day: AppendInt(sb, civil.Day, 0); break;
                case Std.UnderDay:
                    if (civil.Day < 10)
                    {
                        sb.Append(' ');
                    }

                    AppendInt(sb, civil.Day, 0);
                    break;
                case Std.ZeroDay: AppendInt(sb, civil.Day, 2); break;
                case Std.UnderYearDay:
                    sb.Append(civil.YearDay < 100 ? civil.YearDay < 10 ? "  " : " " : string.Empty);
                    AppendInt(sb, civil.YearDay, 0);
                    break;
                case Std.ZeroYearDay: AppendInt(sb, civil.YearDay, 3); break;
                case Std.Hour: AppendInt(sb, hour, 2); break;
                case Std.Hour12: AppendInt(sb, hour % 12 == 0 ? 12 : hour % 12, 0); break;
                case Std.ZeroHour12: AppendInt(sb, hour % 12 == 0 ? 12 : hour % 12, 2); break;
                case Std.Minute: AppendInt(sb, minute, 0); break;
                case Std.ZeroMinute: AppendInt(sb, minute, 2); break;
                case Std.Second: AppendInt(sb, second, 0); break;
                case Std.ZeroSecond: AppendInt(sb, second, 2); break;
                case Std.PM: sb.Append(hour >= 12 ? "PM" : "AM"); break;
                case Std.Pm: sb.Append(hour >= 12 ? "pm" : "am"); break;
                case Std.TZ:
                    if (Zone.Length > 0)
                    {
                        sb.Append(Zone);
                    }
                    else
                    {
                        AppendOffset(sb, OffsetSeconds, colon: false, seconds: false, shortForm: false, zulu: false);
                    }

                    break;
                case Std.NumTZ: AppendOffset(sb, OffsetSeconds, false, false, false, false); break;
                case Std.NumColonTZ: AppendOffset(sb, OffsetSeconds, true, false, false, false); break;
                case Std.NumShortTZ: AppendOffset(sb, OffsetSeconds, false, false, true, false); break;
                case Std.NumSecondsTZ: AppendOffset(sb, OffsetSeconds, false, true, false, false); break;
                case Std.NumColonSecondsTZ: AppendOffset(sb, OffsetSeconds, true, true, false, false); break;
                case Std.IsoTZ: AppendOffset(sb, OffsetSeconds, false, false, false, true); break;
                case Std.IsoColonTZ: AppendOffset(sb, OffsetSeconds, true, false, false, true); break;
                case Std.IsoShortTZ: AppendOffset(sb, OffsetSeconds, false, false, true, true); break;
                case Std.IsoSecondsTZ: AppendOffset(sb, OffsetSeconds, false, true, false, true); break;
                case Std.IsoColonSecondsTZ: AppendOffset(sb, OffsetSeconds, true, true, false, true); break;
                case Std.FracSecond0 or Std.FracSecond9:
                    AppendFraction(sb, Nanos, std.Value.Digits, std.Value.Separator, std.Value.Kind == Std.FracSecond9);
                    break;
            }
        }

        return sb.ToString();
    }

    private static void AppendInt(StringBuilder sb, long x, int width)
    {
        if (x < 0)
        {
            sb.Append('-');
            x = -x;
        }

        var digits = x.ToString(CultureInfo.InvariantCulture);
        sb.Append('0', Math.Max(width - digits.Length, 0)).Append(digits);
    }

    private static void AppendOffset(StringBuilder sb, int offset, bool colon, bool seconds, bool shortForm, bool zulu)
    {
        if (zulu && offset == 0)
        {
            sb.Append('Z');
            return;
        }

        var zone = offset / 60;
        var absOffset = Math.Abs(offset);
        if (zone < 0 || (zone == 0 && offset < 0))
        {
            sb.Append('-');
            zone = -zone;
        }
        else
        {
            sb.Append('+');
        }

        AppendInt(sb, zone / 60, 2);
        if (!shortForm)
        {
            if (colon)
            {
                sb.Append(':');
            }

            AppendInt(sb, zone % 60, 2);
        }

        if (seconds)
        {
            if (colon)
            {
                sb.Append(':');
            }

            AppendInt(sb, absOffset % 60, 2);
        }
    }

    private static void AppendFraction(StringBuilder sb, int nanos, int digits, char separator, bool trim)
    {
        var frac = nanos.ToString("D9", CultureInfo.InvariantCulture)[..Math.Min(digits, 9)];
        if (trim)
        {
            frac = frac.TrimEnd('0');
            if (frac.Length == 0)
            {
                return;
            }
        }

        sb.Append(separator).Append(frac);
    }

    private enum Std
    {
        LongMonth, Month, NumMonth, ZeroMonth, LongWeekDay, WeekDay, Day, UnderDay, ZeroDay, UnderYearDay, ZeroYearDay,
        Hour, Hour12, ZeroHour12, Minute, ZeroMinute, Second, ZeroSecond, LongYear, Year, PM, Pm, TZ,
        IsoTZ, IsoSecondsTZ, IsoShortTZ, IsoColonTZ, IsoColonSecondsTZ, NumTZ, NumSecondsTZ, NumShortTZ, NumColonTZ, NumColonSecondsTZ,
        FracSecond0, FracSecond9,
    }

    private readonly record struct Chunk(Std Kind, int Digits = 0, char Separator = '.');

    // Go's nextStdChunk: the text before the first layout element, the element, and the rest.
    private static (string Prefix, Chunk? Std, string Suffix) NextChunk(string layout)
    {
        static bool StartsWithLower(string s, int i) => i < s.Length && s[i] is >= 'a' and <= 'z';
        bool At(int i, string s) => string.CompareOrdinal(layout, i, s, 0, s.Length) == 0 && i + s.Length <= layout.Length;

        for (var i = 0; i < layout.Length; i++)
        {
            (string, Chunk?, string) Hit(Std kind, int length) => (layout[..i], new Chunk(kind), layout[(i + length)..]);

            switch (layout[i])
            {
                case 'J':
                    if (At(i, "Jan"))
                    {
                        if (At(i, "January"))
                        {
                            return Hit(Std.LongMonth, 7);
                        }

                        if (!StartsWithLower(layout, i + 3))
                        {
                            return Hit(Std.Month, 3);
                        }
                    }

                    break;
                case 'M':
                    if (At(i, "Mon"))
                    {
                        if (At(i, "Monday"))
                        {
                            return Hit(Std.LongWeekDay, 6);
                        }

                        if (!StartsWithLower(layout, i + 3))
                        {
                            return Hit(Std.WeekDay, 3);
                        }
                    }

                    if (At(i, "MST"))
                    {
                        return Hit(Std.TZ, 3);
                    }

                    break;
                case '0':
                    if (i + 1 < layout.Length && layout[i + 1] is >= '1' and <= '6')
                    {
                        Std[] zeros = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];
                        return Hit(zeros[layout[i + 1] - '1'], 2);
                    }

                    if (At(i, "002"))
                    {
                        return Hit(Std.ZeroYearDay, 3);
                    }

                    break;
                case '1':
                    return At(i, "15") ? Hit(Std.Hour, 2) : Hit(Std.NumMonth, 1);
                case '2':
                    return At(i, "2006") ? Hit(Std.LongYear, 4) : Hit(Std.Day, 1);
                case '_':
                    if (i + 1 < layout.Length && layout[i + 1] == '2')
                    {
                        if (At(i + 1, "2006"))
                        {
                            return (layout[..(i + 1)], new Chunk(Std.LongYear), layout[(i + 5)..]);
                        }

                        return Hit(Std.UnderDay, 2);
                    }

                    if (At(i, "__2"))
                    {
                        return Hit(Std.UnderYearDay, 3);
                    }

                    break;
                case '3':
                    return Hit(Std.Hour12, 1);
                case '4':
                    return Hit(Std.Minute, 1);
                case '5':
                    return Hit(Std.Second, 1);
                case 'P':
                    if (At(i, "PM"))
                    {
                        return Hit(Std.PM, 2);
                    }

                    break;
                case 'p':
                    if (At(i, "pm"))
                    {
                        return Hit(Std.Pm, 2);
                    }

                    break;
                case '-':
                    if (At(i, "-070000"))
                    {
                        return Hit(Std.NumSecondsTZ, 7);
                    }

                    if (At(i, "-07:00:00"))
                    {
                        return Hit(Std.NumColonSecondsTZ, 9);
                    }

                    if (At(i, "-0700"))
                    {
                        return Hit(Std.NumTZ, 5);
                    }

                    if (At(i, "-07:00"))
                    {
                        return Hit(Std.NumColonTZ, 6);
                    }

                    if (At(i, "-07"))
                    {
                        return Hit(Std.NumShortTZ, 3);
                    }

                    break;
                case 'Z':
                    if (At(i, "Z070000"))
                    {
                        return Hit(Std.IsoSecondsTZ, 7);
                    }

                    if (At(i, "Z07:00:00"))
                    {
                        return Hit(Std.IsoColonSecondsTZ, 9);
                    }

                    if (At(i, "Z0700"))
                    {
                        return Hit(Std.IsoTZ, 5);
                    }

                    if (At(i, "Z07:00"))
                    {
                        return Hit(Std.IsoColonTZ, 6);
                    }

                    if (At(i, "Z07"))
                    {
                        return Hit(Std.IsoShortTZ, 3);
                    }

                    break;
                case '.' or ',':
                    if (i + 1 < layout.Length && layout[i + 1] is '0' or '9')
                    {
                        var ch = layout[i + 1];
                        var j = i + 1;
                        while (j < layout.Length && layout[j] == ch)
                        {
                            j++;
                        }

                        if (!(j < layout.Length && char.IsAsciiDigit(layout[j])))
                        {
                            var kind = ch == '9' ? Std.FracSecond9 : Std.FracSecond0;
                            return (layout[..i], new Chunk(kind, j - (i + 1), layout[i]), layout[j..]);
                        }
                    }

                    break;
            }
        }

        return (layout, null, string.Empty);
    }
}

/// <summary>Go's <c>time.Duration</c> (an int64 of nanoseconds that prints as <c>1h2m3.5s</c>) and <c>*time.Duration</c>.</summary>
public static class GoDuration
{
    /// <summary><c>time.Duration</c>.</summary>
    public static GoType DurationType { get; } = new("time.Duration", GoKind.Int, zero: 0L);

    /// <summary><c>*time.Duration</c>, what <c>toDuration</c> returns.</summary>
    public static GoType DurationPointerType { get; } = new("*time.Duration", GoKind.Pointer, DurationType);

    static GoDuration()
    {
        static long Nanos(TemplateCall c) => c.Receiver switch
        {
            GoNamed n => (long)n.Underlying,
            DurationPointer p => p.Nanos,
            _ => 0,
        };

        var methods = new TemplateFunction[]
        {
            new("String", [], null, static (c, _) => Format(Nanos(c))),
            new("Hours", [], null, static (c, _) => Nanos(c) / 3.6e12),
            new("Minutes", [], null, static (c, _) => Nanos(c) / 6e10),
            new("Seconds", [], null, static (c, _) => Nanos(c) / 1e9),
            new("Milliseconds", [], null, static (c, _) => Nanos(c) / 1_000_000),
            new("Microseconds", [], null, static (c, _) => Nanos(c) / 1_000),
            new("Nanoseconds", [], null, static (c, _) => Nanos(c)),
        };
        DurationType.WithMethods(methods);
        DurationPointerType.WithMethods(methods);
    }

    /// <summary>A <c>time.Duration</c> value.</summary>
    public static GoNamed Of(long nanos) => new(DurationType, nanos);

    /// <summary>A <c>*time.Duration</c> value.</summary>
    public static GoValue PointerTo(long nanos) => new DurationPointer(nanos);

    /// <summary>Go's <c>Duration.String()</c>: <c>72h3m0.5s</c>, <c>1.5µs</c>, <c>0s</c>.</summary>
    public static string Format(long nanos)
    {
        if (nanos == 0)
        {
            return "0s";
        }

        var neg = nanos < 0;
        var u = neg ? unchecked((ulong)(-nanos)) : (ulong)nanos;
        var sb = new StringBuilder();
        if (u < 1_000_000_000)
        {
            // Below a second: the largest of ns, µs, ms with a fraction.
            var (unit, scale) = u < 1_000 ? ("ns", 1UL) : u < 1_000_000 ? ("µs", 1_000UL) : ("ms", 1_000_000UL);
            sb.Append(u / scale);
            AppendFraction(sb, u % scale, scale);
            sb.Append(unit);
        }
        else
        {
            var seconds = u / 1_000_000_000;
            var h = seconds / 3600;
            var m = seconds / 60 % 60;
            if (h > 0)
            {
                sb.Append(h).Append('h');
            }

            if (h > 0 || m > 0)
            {
                sb.Append(m).Append('m');
            }

            sb.Append(seconds % 60);
            AppendFraction(sb, u % 1_000_000_000, 1_000_000_000);
            sb.Append('s');
        }

        return neg ? "-" + sb : sb.ToString();
    }

    private static void AppendFraction(StringBuilder sb, ulong fraction, ulong scale)
    {
        if (fraction == 0)
        {
            return;
        }

        var digits = (int)Math.Log10(scale);
        sb.Append('.').Append(fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0'));
    }

    /// <summary>A pointer to a duration: prints and calls methods as the duration.</summary>
    internal sealed class DurationPointer(long nanos) : GoValue
    {
        public long Nanos { get; } = nanos;

        public override GoType Type => DurationPointerType;

        public override GoValue Dereference() => Of(Nanos);
    }
}
