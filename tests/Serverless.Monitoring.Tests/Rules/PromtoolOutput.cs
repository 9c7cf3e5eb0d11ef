using System.Text.RegularExpressions;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>
/// The problems in promtool's standard error, as (line, reason): <c>FILE: L:C: reason</c> (or
/// <c>L:C: L:C:</c>, or no position), and go-yaml's <c>FILE: yaml: unmarshal errors:</c> followed
/// by <c>  line N: reason</c>. Line 0 when promtool gives none.
/// </summary>
internal static partial class PromtoolOutput
{
    public static List<(int Line, string Reason)> Problems(string standardError, string file)
    {
        var problems = new List<(int, string)>();
        foreach (var raw in standardError.Split('\n'))
        {
            var line = raw.TrimStart();
            if (line.Length == 0 || line == "FAILED:")
            {
                continue;
            }

            var unmarshal = UnmarshalLine().Match(raw);
            if (unmarshal.Success)
            {
                problems.Add((int.Parse(unmarshal.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), unmarshal.Groups[2].Value));
                continue;
            }

            if (!line.StartsWith(file + ": ", StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[(file.Length + 2)..];
            if (rest == "yaml: unmarshal errors:")
            {
                continue;
            }

            var position = Position().Match(rest);
            var at = position.Success ? int.Parse(position.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            problems.Add((at, rest[position.Length..]));
        }

        return problems;
    }

    [GeneratedRegex(@"^  line (\d+): (.*)$")]
    private static partial Regex UnmarshalLine();

    [GeneratedRegex(@"^(\d+):\d+: (?:\d+:\d+: )?")]
    private static partial Regex Position();
}
