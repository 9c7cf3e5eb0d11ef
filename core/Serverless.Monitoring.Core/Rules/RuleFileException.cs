using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// A rule file that cannot be used, with every problem found (as upstream lists them all): each a
/// <see cref="ConfigException"/> naming file, line, column and field, e.g.
/// <c>rules.yml:4:17: groups[0].rules[0].record: group "a", rule 1, "1x": invalid recording rule name: 1x</c>.
/// The message is the problems, one per line.
/// </summary>
public sealed class RuleFileException : Exception
{
    public RuleFileException()
        : this("invalid rule file")
    {
    }

    public RuleFileException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Errors = [new ConfigException(message)];
    }

    public RuleFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Errors = [new ConfigException(message, innerException)];
    }

    public RuleFileException(string fileName, IReadOnlyList<ConfigException> errors)
        : base(string.Join('\n', (errors ?? throw new ArgumentNullException(nameof(errors))).Select(e => e.Message)), errors.Count > 0 ? errors[0] : null)
    {
        FileName = fileName;
        Errors = errors;
    }

    /// <summary>The file as it was named when loading.</summary>
    public string FileName { get; }

    /// <summary>Every problem, in upstream's order.</summary>
    public IReadOnlyList<ConfigException> Errors { get; }
}
