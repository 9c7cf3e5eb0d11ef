namespace Serverless.Monitoring.Core.Exposition;

/// <summary>The lexers' tokens, named as Prometheus's <c>textparse</c> names them in errors.</summary>
internal enum ExpositionToken : byte
{
    Invalid,
    Eof,
    Linebreak,
    Whitespace,
    Help,
    Type,
    Unit,
    EofWord,
    Text,
    Comment,
    MetricName,
    QuotedString,
    BraceOpen,
    BraceClose,
    LabelName,
    LabelValue,
    Comma,
    Equal,
    Timestamp,
    Value,
}

/// <summary>Token names for error messages (<c>token.String()</c> upstream).</summary>
internal static class ExpositionTokenNames
{
    public static string Name(this ExpositionToken token) => token switch
    {
        ExpositionToken.Invalid => "INVALID",
        ExpositionToken.Eof => "EOF",
        ExpositionToken.Linebreak => "LINEBREAK",
        ExpositionToken.Whitespace => "WHITESPACE",
        ExpositionToken.Help => "HELP",
        ExpositionToken.Type => "TYPE",
        ExpositionToken.Unit => "UNIT",
        ExpositionToken.EofWord => "EOFWORD",
        ExpositionToken.Text => "TEXT",
        ExpositionToken.Comment => "COMMENT",
        ExpositionToken.MetricName => "MNAME",
        ExpositionToken.QuotedString => "QSTRING",
        ExpositionToken.BraceOpen => "BOPEN",
        ExpositionToken.BraceClose => "BCLOSE",
        ExpositionToken.LabelName => "LNAME",
        ExpositionToken.LabelValue => "LVALUE",
        ExpositionToken.Comma => "COMMA",
        ExpositionToken.Equal => "EQUAL",
        ExpositionToken.Timestamp => "TIMESTAMP",
        ExpositionToken.Value => "VALUE",
        _ => "<invalid>",
    };
}
