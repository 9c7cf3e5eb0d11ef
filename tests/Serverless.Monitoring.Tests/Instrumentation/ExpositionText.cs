using System.Globalization;
using System.Text;

namespace Serverless.Monitoring.Tests.Instrumentation;

/// <summary>
/// A strict reader of the text format 0.0.4 for assertions: it checks that every sample
/// belongs to a family announced before it by both HELP and TYPE.
/// </summary>
internal sealed class ExpositionText
{
    private ExpositionText(Dictionary<string, string> types, Dictionary<string, string> helps, List<Sample> samples)
    {
        Types = types;
        Helps = helps;
        Samples = samples;
    }

    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyDictionary<string, string> Helps { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public static ExpositionText Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var lineNumber = 0;
        foreach (var line in text[..^1].Split('\n'))
        {
            lineNumber++;
            Assert.False(string.IsNullOrEmpty(line), $"line {lineNumber} is empty");
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var name = rest[..space];
                Assert.True(helps.TryAdd(name, rest[(space + 1)..]), $"line {lineNumber}: second HELP for {name}");
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.True(helps.ContainsKey(parts[2]), $"line {lineNumber}: TYPE of {parts[2]} without HELP before it");
                Assert.True(types.TryAdd(parts[2], parts[3]), $"line {lineNumber}: second TYPE for {parts[2]}");
                continue;
            }

            Assert.False(line.StartsWith('#'), $"line {lineNumber}: unexpected comment: {line}");
            var sample = ParseSample(line, lineNumber);
            var family = FamilyOf(sample.Name, types);
            Assert.True(family is not null, $"line {lineNumber}: sample {sample.Name} has no TYPE (and HELP) before it");
            samples.Add(sample with { Family = family! });
        }

        return new ExpositionText(types, helps, samples);
    }

    /// <summary>The value of the one sample with this name and exactly these labels, or null.</summary>
    public double? Value(string name, params (string Name, string Value)[] labels)
    {
        var match = Samples.Where(s => s.Name == name && s.Labels.Count == labels.Length
            && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();
        Assert.True(match.Count <= 1, $"{match.Count} samples match {name}");
        return match.Count == 0 ? null : match[0].Value;
    }

    private static string? FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        if (types.TryGetValue(sampleName, out var type) && type is "counter" or "gauge" or "untyped")
        {
            return sampleName;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && types.TryGetValue(sampleName[..^suffix.Length], out type) && type == "histogram")
            {
                return sampleName[..^suffix.Length];
            }
        }

        return null;
    }

    private static Sample ParseSample(string line, int lineNumber)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int valueStart;
        if (brace >= 0 && brace < space)
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var labelName = line[i..eq];
                Assert.Equal('"', line[eq + 1]);
                var value = new StringBuilder();
                i = eq + 2;
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            _ => throw new FormatException($"line {lineNumber}: bad escape \\{line[i]}"),
                        });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                Assert.True(labels.TryAdd(labelName, value.ToString()), $"line {lineNumber}: repeated label {labelName}");
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            Assert.Equal(' ', line[i + 1]);
            valueStart = i + 2;
        }
        else
        {
            name = line[..space];
            valueStart = space + 1;
        }

        var valueText = line[valueStart..];
        var parsed = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, parsed, Family: string.Empty);
    }

    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, string Family);
}
