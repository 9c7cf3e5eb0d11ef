namespace Serverless.Monitoring.Core.PromQL;

/// <summary>Kinds of PromQL tokens (upstream's item types).</summary>
public enum TokenKind
{
    /// <summary>End of input.</summary>
    Eof,

    /// <summary>A lexical error; the token's <see cref="Token.Error"/> says what.</summary>
    Error,

    /// <summary><c># ...</c> to the end of the line.</summary>
    Comment,

    /// <summary>A name without colons.</summary>
    Identifier,

    /// <summary>A name with colons (recording rule style).</summary>
    MetricIdentifier,

#pragma warning disable CA1720 // upstream's name
    /// <summary>A quoted string, escapes not yet interpreted.</summary>
    String,
#pragma warning restore CA1720

    /// <summary>A number literal.</summary>
    Number,

    /// <summary>A duration literal such as <c>1h30m</c>.</summary>
    Duration,

    /// <summary><c>(</c></summary>
    LeftParen,

    /// <summary><c>)</c></summary>
    RightParen,

    /// <summary><c>{</c></summary>
    LeftBrace,

    /// <summary><c>}</c></summary>
    RightBrace,

    /// <summary><c>[</c></summary>
    LeftBracket,

    /// <summary><c>]</c></summary>
    RightBracket,

    /// <summary><c>,</c></summary>
    Comma,

    /// <summary><c>=</c> (label matcher equality).</summary>
    Assign,

    /// <summary><c>:</c> in subqueries.</summary>
    Colon,

    /// <summary><c>@</c></summary>
    At,

    // Operators: keep Sub..Atan2 contiguous.

    /// <summary><c>-</c></summary>
    Sub,

    /// <summary><c>+</c></summary>
    Add,

    /// <summary><c>*</c></summary>
    Mul,

    /// <summary><c>%</c></summary>
    Mod,

    /// <summary><c>/</c></summary>
    Div,

    /// <summary><c>and</c></summary>
    LAnd,

    /// <summary><c>or</c></summary>
    LOr,

    /// <summary><c>unless</c></summary>
    LUnless,

    /// <summary><c>==</c></summary>
    Eqlc,

    /// <summary><c>!=</c></summary>
    Neq,

    /// <summary><c>&lt;=</c></summary>
    Lte,

    /// <summary><c>&lt;</c></summary>
    Lss,

    /// <summary><c>&gt;=</c></summary>
    Gte,

    /// <summary><c>&gt;</c></summary>
    Gtr,

    /// <summary><c>=~</c></summary>
    EqlRegex,

    /// <summary><c>!~</c></summary>
    NeqRegex,

    /// <summary><c>&lt;/</c>: trims native histogram buckets above the value.</summary>
    TrimUpper,

    /// <summary><c>&gt;/</c>: trims native histogram buckets below the value.</summary>
    TrimLower,

    /// <summary><c>^</c></summary>
    Pow,

    /// <summary><c>atan2</c></summary>
    Atan2,

    // Aggregators: keep Avg..LimitRatio contiguous.

    /// <summary><c>avg</c></summary>
    Avg,

    /// <summary><c>bottomk</c></summary>
    Bottomk,

    /// <summary><c>count</c></summary>
    Count,

    /// <summary><c>count_values</c></summary>
    CountValues,

    /// <summary><c>group</c></summary>
    Group,

    /// <summary><c>max</c></summary>
    Max,

    /// <summary><c>min</c></summary>
    Min,

    /// <summary><c>quantile</c></summary>
    Quantile,

    /// <summary><c>stddev</c></summary>
    Stddev,

    /// <summary><c>stdvar</c></summary>
    Stdvar,

    /// <summary><c>sum</c></summary>
    Sum,

    /// <summary><c>topk</c></summary>
    Topk,

    /// <summary><c>limitk</c></summary>
    Limitk,

    /// <summary><c>limit_ratio</c></summary>
    LimitRatio,

    // Keywords: keep Bool..End contiguous.

    /// <summary><c>bool</c></summary>
    Bool,

    /// <summary><c>by</c></summary>
    By,

    /// <summary><c>group_left</c></summary>
    GroupLeft,

    /// <summary><c>group_right</c></summary>
    GroupRight,

    /// <summary><c>ignoring</c></summary>
    Ignoring,

    /// <summary><c>offset</c></summary>
    Offset,

    /// <summary><c>on</c></summary>
    On,

    /// <summary><c>without</c></summary>
    Without,

    /// <summary><c>start</c> (in <c>@ start()</c>)</summary>
    Start,

    /// <summary><c>end</c> (in <c>@ end()</c>)</summary>
    End,
}

/// <summary>Classification and spelling of <see cref="TokenKind"/>s.</summary>
public static class TokenKinds
{
    private static readonly Dictionary<string, TokenKind> KeywordMap = new(StringComparer.OrdinalIgnoreCase)
    {
        ["and"] = TokenKind.LAnd,
        ["or"] = TokenKind.LOr,
        ["unless"] = TokenKind.LUnless,
        ["atan2"] = TokenKind.Atan2,
        ["sum"] = TokenKind.Sum,
        ["avg"] = TokenKind.Avg,
        ["count"] = TokenKind.Count,
        ["min"] = TokenKind.Min,
        ["max"] = TokenKind.Max,
        ["group"] = TokenKind.Group,
        ["stddev"] = TokenKind.Stddev,
        ["stdvar"] = TokenKind.Stdvar,
        ["topk"] = TokenKind.Topk,
        ["bottomk"] = TokenKind.Bottomk,
        ["count_values"] = TokenKind.CountValues,
        ["quantile"] = TokenKind.Quantile,
        ["limitk"] = TokenKind.Limitk,
        ["limit_ratio"] = TokenKind.LimitRatio,
        ["offset"] = TokenKind.Offset,
        ["by"] = TokenKind.By,
        ["without"] = TokenKind.Without,
        ["on"] = TokenKind.On,
        ["ignoring"] = TokenKind.Ignoring,
        ["group_left"] = TokenKind.GroupLeft,
        ["group_right"] = TokenKind.GroupRight,
        ["bool"] = TokenKind.Bool,
        ["start"] = TokenKind.Start,
        ["end"] = TokenKind.End,
        ["inf"] = TokenKind.Number,
        ["nan"] = TokenKind.Number,
    };

    /// <summary>The keyword (or <c>Inf</c>/<c>NaN</c> number) a word lexes to, case-insensitively.</summary>
    public static bool TryGetKeyword(string word, out TokenKind kind) => KeywordMap.TryGetValue(word, out kind);

    /// <summary>Binary (and unary) operators.</summary>
    public static bool IsOperator(this TokenKind kind) => kind is >= TokenKind.Sub and <= TokenKind.Atan2;

    /// <summary>Aggregation operators.</summary>
    public static bool IsAggregator(this TokenKind kind) => kind is >= TokenKind.Avg and <= TokenKind.LimitRatio;

    /// <summary>Aggregations that take a parameter before the vector.</summary>
    public static bool IsAggregatorWithParam(this TokenKind kind) =>
        kind is TokenKind.Topk or TokenKind.Bottomk or TokenKind.CountValues or TokenKind.Quantile or TokenKind.Limitk or TokenKind.LimitRatio;

    /// <summary>Keywords (modifiers).</summary>
    public static bool IsKeyword(this TokenKind kind) => kind is >= TokenKind.Bool and <= TokenKind.End;

    /// <summary><c>== != &lt;= &lt; &gt;= &gt;</c></summary>
    public static bool IsComparisonOperator(this TokenKind kind) =>
        kind is TokenKind.Eqlc or TokenKind.Neq or TokenKind.Lte or TokenKind.Lss or TokenKind.Gte or TokenKind.Gtr;

    /// <summary><c>and or unless</c></summary>
    public static bool IsSetOperator(this TokenKind kind) => kind is TokenKind.LAnd or TokenKind.LOr or TokenKind.LUnless;

    /// <summary>Binding power of a binary operator (higher binds tighter), 0 when not binary.</summary>
    public static int Precedence(this TokenKind kind) => kind switch
    {
        TokenKind.LOr => 1,
        TokenKind.LAnd or TokenKind.LUnless => 2,
        TokenKind.Eqlc or TokenKind.Neq or TokenKind.Lte or TokenKind.Lss or TokenKind.Gte or TokenKind.Gtr
            or TokenKind.TrimUpper or TokenKind.TrimLower => 3,
        TokenKind.Add or TokenKind.Sub => 4,
        TokenKind.Mul or TokenKind.Div or TokenKind.Mod or TokenKind.Atan2 => 5,
        TokenKind.Pow => 6,
        _ => 0,
    };

    /// <summary>True for the right-associative <c>^</c>.</summary>
    public static bool IsRightAssociative(this TokenKind kind) => kind == TokenKind.Pow;

    /// <summary>The operator, aggregator or keyword as PromQL spells it (lower case).</summary>
    public static string Text(this TokenKind kind) => kind switch
    {
        TokenKind.Sub => "-",
        TokenKind.Add => "+",
        TokenKind.Mul => "*",
        TokenKind.Mod => "%",
        TokenKind.Div => "/",
        TokenKind.LAnd => "and",
        TokenKind.LOr => "or",
        TokenKind.LUnless => "unless",
        TokenKind.Eqlc => "==",
        TokenKind.Neq => "!=",
        TokenKind.Lte => "<=",
        TokenKind.Lss => "<",
        TokenKind.Gte => ">=",
        TokenKind.Gtr => ">",
        TokenKind.EqlRegex => "=~",
        TokenKind.NeqRegex => "!~",
        TokenKind.TrimUpper => "</",
        TokenKind.TrimLower => ">/",
        TokenKind.Pow => "^",
        TokenKind.Atan2 => "atan2",
        TokenKind.Avg => "avg",
        TokenKind.Bottomk => "bottomk",
        TokenKind.Count => "count",
        TokenKind.CountValues => "count_values",
        TokenKind.Group => "group",
        TokenKind.Max => "max",
        TokenKind.Min => "min",
        TokenKind.Quantile => "quantile",
        TokenKind.Stddev => "stddev",
        TokenKind.Stdvar => "stdvar",
        TokenKind.Sum => "sum",
        TokenKind.Topk => "topk",
        TokenKind.Limitk => "limitk",
        TokenKind.LimitRatio => "limit_ratio",
        TokenKind.Bool => "bool",
        TokenKind.By => "by",
        TokenKind.GroupLeft => "group_left",
        TokenKind.GroupRight => "group_right",
        TokenKind.Ignoring => "ignoring",
        TokenKind.Offset => "offset",
        TokenKind.On => "on",
        TokenKind.Without => "without",
        TokenKind.Start => "start",
        TokenKind.End => "end",
        TokenKind.LeftParen => "(",
        TokenKind.RightParen => ")",
        TokenKind.LeftBrace => "{",
        TokenKind.RightBrace => "}",
        TokenKind.LeftBracket => "[",
        TokenKind.RightBracket => "]",
        TokenKind.Comma => ",",
        TokenKind.Assign => "=",
        TokenKind.Colon => ":",
        TokenKind.At => "@",
        _ => kind.ToString(),
    };
}
