using System.Globalization;
using System.Text;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// JSON as Go's <c>encoding/json</c> encoder writes it for Alertmanager's payloads: fields in
/// struct order, map keys sorted by bytes, strings HTML-safe (<c>&lt; &gt; &amp;</c> as
/// <c>\u003c \u003e \u0026</c>, U+2028/U+2029 escaped, other control characters as <c>\u00XX</c>
/// except <c>\n \r \t</c>), <c>time.Time</c> as RFC 3339 with up to nine fractional digits, and
/// the encoder's trailing newline left to the caller.
/// </summary>
internal sealed class GoJsonWriter
{
    private const string Hex = "0123456789abcdef";
    private readonly StringBuilder _sb = new();
    private readonly Stack<bool> _first = new();

    public GoJsonWriter BeginObject()
    {
        Separate();
        _sb.Append('{');
        _first.Push(true);
        return this;
    }

    public GoJsonWriter EndObject()
    {
        _first.Pop();
        _sb.Append('}');
        return this;
    }

    public GoJsonWriter BeginArray()
    {
        Separate();
        _sb.Append('[');
        _first.Push(true);
        return this;
    }

    public GoJsonWriter EndArray()
    {
        _first.Pop();
        _sb.Append(']');
        return this;
    }

    /// <summary>A field name; the value written next belongs to it.</summary>
    public GoJsonWriter Name(string name)
    {
        Separate();
        AppendQuoted(_sb, name);
        _sb.Append(':');
        _pendingValue = true;
        return this;
    }

    public GoJsonWriter String(string value)
    {
        Separate();
        AppendQuoted(_sb, value);
        return this;
    }

    public GoJsonWriter Bool(bool value)
    {
        Separate();
        _sb.Append(value ? "true" : "false");
        return this;
    }

    public GoJsonWriter Number(ulong value)
    {
        Separate();
        _sb.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public GoJsonWriter Null()
    {
        Separate();
        _sb.Append("null");
        return this;
    }

    /// <summary>A <c>time.Time</c>; null is Go's zero time.</summary>
    public GoJsonWriter Time(DateTimeOffset? value)
    {
        Separate();
        _sb.Append('"').Append(FormatTime(value)).Append('"');
        return this;
    }

    /// <summary>A <c>map[string]string</c>, keys in byte order (the pairs must be sorted so).</summary>
    public GoJsonWriter StringMap(IEnumerable<KeyValuePair<string, string>> sortedPairs)
    {
        BeginObject();
        foreach (var (k, v) in sortedPairs)
        {
            Name(k).String(v);
        }

        return EndObject();
    }

    /// <summary>The JSON text, with the newline <c>json.Encoder.Encode</c> appends.</summary>
    public string ToEncoderOutput() => _sb.ToString() + "\n";

    public override string ToString() => _sb.ToString();

    /// <summary><c>time.Time.MarshalJSON</c>: RFC 3339, nine fractional digits at most with trailing zeros dropped, <c>Z</c> for UTC.</summary>
    public static string FormatTime(DateTimeOffset? value)
    {
        if (value is not { } t)
        {
            return "0001-01-01T00:00:00Z";
        }

        var sb = new StringBuilder(35);
        sb.Append(t.DateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        var fraction = t.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            sb.Append('.').Append((fraction * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0'));
        }

        if (t.Offset == TimeSpan.Zero)
        {
            sb.Append('Z');
        }
        else
        {
            sb.Append(t.Offset < TimeSpan.Zero ? '-' : '+').Append(t.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>A Go string as <c>encoding/json</c> quotes it (HTML-safe).</summary>
    public static void AppendQuoted(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '<' or '>' or '&' or < ' ' or '\u2028' or '\u2029':
                    sb.Append("\\u");
                    if (c > 0xff)
                    {
                        sb.Append(Hex[c >> 12]).Append(Hex[(c >> 8) & 0xf]);
                    }
                    else
                    {
                        sb.Append("00");
                    }

                    sb.Append(Hex[(c >> 4) & 0xf]).Append(Hex[c & 0xf]);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
    }

    private bool _pendingValue;

    // A comma before every element but the first of its object or array; none after a field name.
    private void Separate()
    {
        if (_pendingValue)
        {
            _pendingValue = false;
            return;
        }

        if (_first.Count > 0)
        {
            if (_first.Peek())
            {
                _first.Pop();
                _first.Push(false);
            }
            else
            {
                _sb.Append(',');
            }
        }
    }
}
