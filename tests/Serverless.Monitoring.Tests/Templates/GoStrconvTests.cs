using System.Globalization;
using System.Text.Json;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Tests.Templates;

/// <summary>
/// <see cref="GoStrconv"/> against Go: <c>FormatFloat</c> for 340 doubles (edge values, exact
/// ties such as 2.5 and 0.125, random bit patterns and magnitudes) in 24 format/precision pairs
/// (Data/go-format-float.json), and the quoting and parsing helpers.
/// </summary>
public sealed class GoStrconvTests
{
    [Fact]
    public void FormatFloat_matches_go()
    {
        using var stream = typeof(GoStrconvTests).Assembly.GetManifestResourceStream("Templates.Data.go-format-float.json")!;
        using var doc = JsonDocument.Parse(stream);
        var formats = doc.RootElement.GetProperty("formats").EnumerateArray()
            .Select(f => f.GetString()!)
            .Select(f => (Format: f[0], Precision: int.Parse(f.AsSpan(1), CultureInfo.InvariantCulture)))
            .ToList();
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var row in doc.RootElement.GetProperty("rows").EnumerateArray())
        {
            var value = BitConverter.UInt64BitsToDouble(ulong.Parse(row.GetProperty("bits").GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var outputs = row.GetProperty("out").EnumerateArray().Select(o => o.GetString()!).ToList();
            for (var i = 0; i < formats.Count; i++)
            {
                var ours = GoStrconv.FormatFloat(value, formats[i].Format, formats[i].Precision);
                checkedCount++;
                if (ours != outputs[i])
                {
                    failures.Add($"{value:R} {formats[i].Format}{formats[i].Precision}: go {outputs[i]}, ours {ours}");
                }
            }
        }

        Assert.True(checkedCount > 8000);
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("abc", "\"abc\"", "\"abc\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"")]
    [InlineData("\a\b\f\n\r\t\v\0\u007f", "\"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f\"", "\"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f\"")]
    [InlineData("é😀\u00a0\u2028", "\"é😀\\u00a0\\u2028\"", "\"\\u00e9\\U0001f600\\u00a0\\u2028\"")]
    public void Quote_matches_go(string s, string quoted, string ascii)
    {
        Assert.Equal(quoted, GoStrconv.Quote(s));
        Assert.Equal(ascii, GoStrconv.Quote(s, asciiOnly: true));
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-0", -0.0)]
    [InlineData("1_000.5", 1000.5)]
    [InlineData("0x1.8p1", 3.0)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("-infinity", double.NegativeInfinity)]
    [InlineData("1e-400", 0.0)]
    [InlineData(".5e1", 5.0)]
    public void ParseFloat_accepts_what_go_accepts(string s, double expected)
    {
        Assert.True(GoStrconv.TryParseFloat(s, out var value, out var error), error);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("abc", "strconv.ParseFloat: parsing \"abc\": invalid syntax")]
    [InlineData("0x10", "strconv.ParseFloat: parsing \"0x10\": invalid syntax")]
    [InlineData("1__0", "strconv.ParseFloat: parsing \"1__0\": invalid syntax")]
    [InlineData("+nan", "strconv.ParseFloat: parsing \"+nan\": invalid syntax")]
    [InlineData("", "strconv.ParseFloat: parsing \"\": invalid syntax")]
    [InlineData("1e400", "strconv.ParseFloat: parsing \"1e400\": value out of range")]
    public void ParseFloat_rejects_as_go_does(string s, string error)
    {
        Assert.False(GoStrconv.TryParseFloat(s, out _, out var message));
        Assert.Equal(error, message);
    }
}
