using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>
/// PromQL's parser: a hand-written Pratt parser over <see cref="Lexer"/> tokens with Prometheus's
/// operator precedence (lowest to highest <c>or</c>; <c>and unless</c>; comparisons; <c>+ -</c>;
/// <c>* / % atan2</c>; <c>^</c>, right-associative; unary minus binds like <c>*</c>, so
/// <c>-2^2</c> is -4), followed by upstream's type checks. Errors are
/// <see cref="PromQLParseException"/>s with upstream's wording and positions.
/// </summary>
public sealed class Parser
{
    private readonly string _input;
    private readonly ParserOptions _options;
    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    private Parser(string input, ParserOptions options)
    {
        _input = input;
        _options = options;
        _tokens = [];
        var lexer = new Lexer(input);
        while (true)
        {
            var t = lexer.Next();
            if (t.Kind == TokenKind.Comment)
            {
                continue;
            }

            _tokens.Add(t);
            if (t.Kind is TokenKind.Eof or TokenKind.Error)
            {
                break;
            }
        }
    }

    /// <summary>Parses and type-checks a PromQL expression.</summary>
    /// <exception cref="PromQLParseException">The query is malformed.</exception>
    public static Expr ParseExpr(string query, ParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var p = new Parser(query, options ?? ParserOptions.Default);
        try
        {
            if (p.Peek.Kind == TokenKind.Eof)
            {
                throw p.Error(new PositionRange(0, 0), "no expression found in input");
            }

            var expr = p.ParseExpression(1);
            if (p.Peek.Kind != TokenKind.Eof)
            {
                throw p.Unexpected(p.Peek, string.Empty, string.Empty);
            }

            p.Check(expr);
            return expr;
        }
        catch (InsufficientExecutionStackException)
        {
            throw p.Error(new PositionRange(0, query.Length), "query is nested too deeply");
        }
    }

    /// <summary>Like <see cref="ParseExpr"/>, returning false with the error instead of throwing.</summary>
    public static bool TryParseExpr(string query, out Expr? expr, out PromQLParseException? error, ParserOptions? options = null)
    {
        try
        {
            expr = ParseExpr(query, options);
            error = null;
            return true;
        }
        catch (PromQLParseException ex)
        {
            expr = null;
            error = ex;
            return false;
        }
    }

    /// <summary>Parses a bare vector selector (upstream's <c>ParseMetricSelector</c>), e.g. for <c>match[]</c>.</summary>
    public static IReadOnlyList<LabelMatcher> ParseMetricSelector(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var p = new Parser(selector, ParserOptions.Default);
        if (p.Peek.Kind == TokenKind.Eof)
        {
            throw p.Error(new PositionRange(0, 0), "no expression found in input");
        }

        var start = p.Peek;
        if (start.Kind is not (TokenKind.Identifier or TokenKind.MetricIdentifier or TokenKind.LeftBrace))
        {
            throw p.Unexpected(start, string.Empty, string.Empty);
        }

        var vs = p.ParseVectorSelector();
        if (p.Peek.Kind != TokenKind.Eof)
        {
            throw p.Unexpected(p.Peek, string.Empty, string.Empty);
        }

        p.Check(vs);
        return vs.Matchers;
    }

    private Token Peek => _tokens[_index];

    private Token PeekAt(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Advance()
    {
        var t = _tokens[_index];
        if (t.Kind is TokenKind.Error)
        {
            throw Error(t.Position, t.Error ?? "error");
        }

        if (_index < _tokens.Count - 1)
        {
            _index++;
        }

        return t;
    }

    private PromQLParseException Error(PositionRange position, string message) => new(_input, position, message);

    /// <summary>Upstream's <c>unexpected(context, expected)</c>; lexer errors are reported as themselves.</summary>
    private PromQLParseException Unexpected(Token t, string context, string expected)
    {
        if (t.Kind == TokenKind.Error)
        {
            return Error(t.Position, t.Error ?? "error");
        }

        var sb = new StringBuilder("unexpected ").Append(t.Describe(_input));
        if (context.Length > 0)
        {
            sb.Append(" in ").Append(context);
        }

        if (expected.Length > 0)
        {
            sb.Append(", expected ").Append(expected);
        }

        return Error(t.Position, sb.ToString());
    }

    private Token Expect(TokenKind kind, string context, string expected)
    {
        if (Peek.Kind != kind)
        {
            throw Unexpected(Peek, context, expected);
        }

        return Advance();
    }

    private void Enter()
    {
        if (++_depth > _options.MaxDepth)
        {
            throw Error(Peek.Position, $"query is nested too deeply: more than {_options.MaxDepth.ToString(CultureInfo.InvariantCulture)} levels");
        }

        RuntimeHelpers.EnsureSufficientExecutionStack();
    }

    private void Leave() => _depth--;

    // ---- Expressions -------------------------------------------------------------------

    private Expr ParseExpression(int minPrecedence)
    {
        Enter();
        var left = ParseUnary();
        var chain = 0;
        while (true)
        {
            var opToken = Peek;
            var prec = opToken.Kind.Precedence();
            if (prec == 0 || prec < minPrecedence)
            {
                break;
            }

            // Each operator in a left-leaning chain nests the tree one level deeper.
            if (_depth + ++chain > _options.MaxDepth)
            {
                throw Error(opToken.Position, $"query is nested too deeply: more than {_options.MaxDepth.ToString(CultureInfo.InvariantCulture)} levels");
            }

            Advance();
            var returnBool = false;
            var opEnd = opToken.End;
            if (Peek.Kind == TokenKind.Bool)
            {
                opEnd = Advance().End;
                returnBool = true;
            }

            var matching = ParseVectorMatching(ref opEnd);
            var right = ParseExpression(opToken.Kind.IsRightAssociative() ? prec : prec + 1);
            var bothVectors = left.Type == ExprType.Vector && right.Type == ExprType.Vector;
            var effective = matching;
            if (!bothVectors)
            {
                effective = null;
            }
            else if (opToken.Kind.IsSetOperator() && matching.Card == VectorMatchCardinality.OneToOne)
            {
                effective = matching with { Card = VectorMatchCardinality.ManyToMany };
            }

            var binary = new BinaryExpr(opToken.Kind, left, right, effective, returnBool)
            {
                Position = new PositionRange(left.Position.Start, right.Position.End),
            };
            _operatorPositions[binary] = new PositionRange(opToken.Start, opEnd);
            _writtenMatching[binary] = matching;
            left = binary;
        }

        Leave();
        return left;
    }

    private readonly Dictionary<Expr, PositionRange> _operatorPositions = new(ReferenceEqualityComparer.Instance);

    /// <summary>Vector matching as written, before it is dropped for scalar operands (for the checks).</summary>
    private readonly Dictionary<Expr, VectorMatching> _writtenMatching = new(ReferenceEqualityComparer.Instance);

    private VectorMatching ParseVectorMatching(ref int opEnd)
    {
        if (Peek.Kind is not (TokenKind.On or TokenKind.Ignoring))
        {
            return new VectorMatching(VectorMatchCardinality.OneToOne, [], false, []);
        }

        var on = Advance().Kind == TokenKind.On;
        var labels = ParseGroupingLabels(out var end);
        opEnd = end;
        var card = VectorMatchCardinality.OneToOne;
        IReadOnlyList<string> include = [];
        if (Peek.Kind is TokenKind.GroupLeft or TokenKind.GroupRight)
        {
            var g = Advance();
            opEnd = g.End;
            card = g.Kind == TokenKind.GroupLeft ? VectorMatchCardinality.ManyToOne : VectorMatchCardinality.OneToMany;
            if (Peek.Kind == TokenKind.LeftParen)
            {
                include = ParseGroupingLabels(out end);
                opEnd = end;
            }
        }

        return new VectorMatching(card, labels, on, include);
    }

    private Expr ParseUnary()
    {
        var t = Peek;
        if (t.Kind is TokenKind.Add or TokenKind.Sub)
        {
            Advance();

            // Unary operators bind like '*': the operand takes only '^' (and postfix modifiers).
            var operand = ParseExpression(TokenKind.Pow.Precedence());
            if (operand is NumberLiteral n)
            {
                return n with
                {
                    Value = t.Kind == TokenKind.Sub ? -n.Value : n.Value,
                    Position = new PositionRange(t.Start, n.Position.End),
                };
            }

            return new UnaryExpr(t.Kind, operand) { Position = new PositionRange(t.Start, operand.Position.End) };
        }

        return ParsePostfix(ParsePrimary());
    }

    private Expr ParsePrimary()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Advance();
                return new NumberLiteral(ParseNumber(t)) { Position = t.Position };
            case TokenKind.Duration:
                {
                    Advance();
                    var d = ParseDuration(t);
                    return new NumberLiteral(d.TotalSeconds, IsDuration: true) { Position = t.Position };
                }

            case TokenKind.String:
                Advance();
                return new StringLiteral(Unquote(t)) { Position = t.Position };
            case TokenKind.LeftParen:
                {
                    Advance();
                    var inner = ParseExpression(1);
                    var close = Expect(TokenKind.RightParen, string.Empty, string.Empty);
                    return new ParenExpr(inner) { Position = new PositionRange(t.Start, close.End) };
                }

            case TokenKind.LeftBrace:
                return ParseVectorSelector();
            case TokenKind.Identifier:
                if (PeekAt(1).Kind == TokenKind.LeftParen)
                {
                    return ParseCall();
                }

                return ParseVectorSelector();
            case TokenKind.MetricIdentifier:
                return ParseVectorSelector();
            case TokenKind.Start or TokenKind.End when PeekAt(1).Kind == TokenKind.LeftParen:
                return ParseCall();
            case var k when k.IsAggregator() && PeekAt(1).Kind is TokenKind.LeftParen or TokenKind.By or TokenKind.Without:
                return ParseAggregation();
            case var k when IsMetricNameKeyword(k):
                // Upstream's metric_identifier: these keywords also name metrics (`sum`, `offset`, ...).
                return ParseVectorSelector();
            case TokenKind.Eof:
                throw Unexpected(t, string.Empty, string.Empty);
            default:
                throw Unexpected(t, string.Empty, string.Empty);
        }
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            switch (Peek.Kind)
            {
                case TokenKind.LeftBracket:
                    expr = ParseRangeOrSubquery(expr);
                    break;
                case TokenKind.Offset:
                    expr = ParseOffset(expr);
                    break;
                case TokenKind.At:
                    expr = ParseAt(expr);
                    break;
                default:
                    return expr;
            }
        }
    }

    private Expr ParseRangeOrSubquery(Expr expr)
    {
        var open = Advance();
        var first = Peek;
        if (first.Kind is not (TokenKind.Number or TokenKind.Duration))
        {
            throw Unexpected(first, "subquery or range selector", "number, duration, step(), or range()");
        }

        Advance();
        var range = ParsePositiveDuration(first);
        if (Peek.Kind == TokenKind.RightBracket)
        {
            var close = Advance();
            var pos = new PositionRange(open.Start, close.End);
            var vs = expr as VectorSelector;
            if (vs is null)
            {
                throw Error(pos, "ranges only allowed for vector selectors");
            }

            if (vs.OriginalOffset != TimeSpan.Zero)
            {
                throw Error(pos, "no offset modifiers allowed before range");
            }

            if (vs.Timestamp is not null || vs.At != AtModifier.None)
            {
                throw Error(pos, "no @ modifiers allowed before range");
            }

            return new MatrixSelector(vs, range) { Position = new PositionRange(expr.Position.Start, close.End) };
        }

        if (Peek.Kind != TokenKind.Colon)
        {
            throw Unexpected(Peek, "subquery or range", "\":\" or \"]\"");
        }

        Advance();
        var step = TimeSpan.Zero;
        if (Peek.Kind is TokenKind.Number or TokenKind.Duration)
        {
            step = ParsePositiveDuration(Advance());
        }
        else if (Peek.Kind != TokenKind.RightBracket)
        {
            throw Unexpected(Peek, "subquery selector", "number, duration, step(), range(), or \"]\"");
        }

        var end = Expect(TokenKind.RightBracket, "subquery selector", "\"]\"");
        return new SubqueryExpr(expr, range, step) { Position = new PositionRange(expr.Position.Start, end.End) };
    }

    private TimeSpan ParsePositiveDuration(Token t)
    {
        var d = DurationOf(t);
        if (d <= TimeSpan.Zero)
        {
            throw Error(t.Position, "duration must be greater than 0");
        }

        return d;
    }

    private TimeSpan DurationOf(Token t, bool negate = false)
    {
        if (t.Kind == TokenKind.Duration)
        {
            var d = ParseDuration(t);
            return negate ? -d : d;
        }

        var seconds = ParseNumber(t);
        if (negate)
        {
            seconds = -seconds;
        }

        if (double.IsNaN(seconds) || Math.Abs(seconds) >= 9.2233720368547758e9)
        {
            throw Error(t.Position, "duration out of range");
        }

        return TimeSpan.FromMilliseconds(Math.Round(seconds * 1000, MidpointRounding.AwayFromZero));
    }

    private Expr ParseOffset(Expr expr)
    {
        Advance();
        var negate = false;
        var t = Peek;
        if (t.Kind is TokenKind.Sub or TokenKind.Add)
        {
            negate = t.Kind == TokenKind.Sub;
            Advance();
            t = Peek;
        }

        if (t.Kind is not (TokenKind.Number or TokenKind.Duration))
        {
            throw Unexpected(t, "offset", "number, duration, step(), or range()");
        }

        Advance();
        var offset = DurationOf(t, negate);
        var pos = new PositionRange(expr.Position.Start, t.End);
        switch (expr)
        {
            case VectorSelector vs:
                if (vs.OriginalOffset != TimeSpan.Zero)
                {
                    throw Error(expr.Position, "offset may not be set multiple times");
                }

                return vs with { OriginalOffset = offset, Position = pos };
            case MatrixSelector ms:
                if (ms.Selector.OriginalOffset != TimeSpan.Zero)
                {
                    throw Error(expr.Position, "offset may not be set multiple times");
                }

                return ms with { Selector = ms.Selector with { OriginalOffset = offset }, Position = pos };
            case SubqueryExpr sq:
                if (sq.OriginalOffset != TimeSpan.Zero)
                {
                    throw Error(expr.Position, "offset may not be set multiple times");
                }

                return sq with { OriginalOffset = offset, Position = pos };
            default:
                throw Error(expr.Position, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        }
    }

    private Expr ParseAt(Expr expr)
    {
        Advance();
        var t = Peek;
        long? timestamp = null;
        var at = AtModifier.None;
        int end;
        if (t.Kind is TokenKind.Start or TokenKind.End)
        {
            Advance();
            Expect(TokenKind.LeftParen, "@", "\"(\"");
            end = Expect(TokenKind.RightParen, "@", "\")\"").End;
            at = t.Kind == TokenKind.Start ? AtModifier.Start : AtModifier.End;
        }
        else
        {
            var sign = 1.0;
            if (t.Kind is TokenKind.Add or TokenKind.Sub)
            {
                sign = t.Kind == TokenKind.Sub ? -1 : 1;
                Advance();
                t = Peek;
            }

            if (t.Kind is not (TokenKind.Number or TokenKind.Duration))
            {
                throw Unexpected(t, "@", "timestamp");
            }

            Advance();
            end = t.End;
            var seconds = sign * (t.Kind == TokenKind.Duration ? ParseDuration(t).TotalSeconds : ParseNumber(t));
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds >= long.MaxValue / 1000.0 || seconds <= long.MinValue / 1000.0)
            {
                var shown = double.IsFinite(seconds) ? seconds.ToString("F6", CultureInfo.InvariantCulture) : GoNumbers.FormatNonFinite(seconds);
                throw Error(expr.Position, $"timestamp out of bounds for @ modifier: {shown}");
            }

            timestamp = (long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero);
        }

        var pos = new PositionRange(expr.Position.Start, end);
        switch (expr)
        {
            case VectorSelector vs:
                if (vs.Timestamp is not null || vs.At != AtModifier.None)
                {
                    throw Error(expr.Position, "@ <timestamp> may not be set multiple times");
                }

                return vs with { Timestamp = timestamp, At = at, Position = pos };
            case MatrixSelector ms:
                if (ms.Selector.Timestamp is not null || ms.Selector.At != AtModifier.None)
                {
                    throw Error(expr.Position, "@ <timestamp> may not be set multiple times");
                }

                return ms with { Selector = ms.Selector with { Timestamp = timestamp, At = at }, Position = pos };
            case SubqueryExpr sq:
                if (sq.Timestamp is not null || sq.At != AtModifier.None)
                {
                    throw Error(expr.Position, "@ <timestamp> may not be set multiple times");
                }

                return sq with { Timestamp = timestamp, At = at, Position = pos };
            default:
                throw Error(expr.Position, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        }
    }

    // ---- Calls and aggregations ------------------------------------------------------

    private CallExpr ParseCall()
    {
        var nameToken = Advance();
        var name = nameToken.Text(_input);

        // Arguments first: upstream's bottom-up parser reports errors inside them before an unknown name.
        var args = ParseArguments(out var close);
        if (!PromQLFunctions.TryGet(name, out var function))
        {
            throw Error(nameToken.Position, $"unknown function with name {Printer.GoQuote(name)}");
        }

        if (function.Experimental && !_options.EnableExperimentalFunctions)
        {
            throw Error(nameToken.Position, $"function {Printer.GoQuote(name)} is not enabled");
        }

        return new CallExpr(function, args) { Position = new PositionRange(nameToken.Start, close) };
    }

    private List<Expr> ParseArguments(out int end)
    {
        Expect(TokenKind.LeftParen, string.Empty, string.Empty);
        var args = new List<Expr>();
        if (Peek.Kind != TokenKind.RightParen)
        {
            while (true)
            {
                args.Add(ParseExpression(1));
                if (Peek.Kind == TokenKind.Comma)
                {
                    var comma = Advance();
                    if (Peek.Kind == TokenKind.RightParen)
                    {
                        throw Error(comma.Position, "trailing commas not allowed in function call args");
                    }

                    continue;
                }

                if (Peek.Kind != TokenKind.RightParen)
                {
                    throw Unexpected(Peek, string.Empty, string.Empty);
                }

                break;
            }
        }

        end = Advance().End;
        return args;
    }

    private AggregateExpr ParseAggregation()
    {
        var opToken = Advance();
        var op = opToken.Kind;
        if (op is TokenKind.Limitk or TokenKind.LimitRatio && !_options.EnableExperimentalFunctions)
        {
            throw Error(opToken.Position, "limitk() and limit_ratio() are experimental and must be enabled with --enable-feature=promql-experimental-functions");
        }

        IReadOnlyList<string> grouping = [];
        var without = false;
        var haveModifier = false;
        if (Peek.Kind is TokenKind.By or TokenKind.Without)
        {
            without = Advance().Kind == TokenKind.Without;
            grouping = ParseGroupingLabels(out _);
            haveModifier = true;
        }

        if (Peek.Kind != TokenKind.LeftParen)
        {
            throw Unexpected(Peek, string.Empty, string.Empty);
        }

        var args = ParseArguments(out var end);
        if (!haveModifier && Peek.Kind is TokenKind.By or TokenKind.Without)
        {
            without = Advance().Kind == TokenKind.Without;
            grouping = ParseGroupingLabels(out end);
        }

        var pos = new PositionRange(opToken.Start, end);
        if (args.Count == 0)
        {
            throw Error(pos, "no arguments for aggregate expression provided");
        }

        var desired = op.IsAggregatorWithParam() ? 2 : 1;
        if (args.Count != desired)
        {
            throw Error(pos, $"wrong number of arguments for aggregate expression provided, expected {desired}, got {args.Count}");
        }

        return new AggregateExpr(op, args[desired - 1], desired == 2 ? args[0] : null, grouping, without) { Position = pos };
    }

    private List<string> ParseGroupingLabels(out int end)
    {
        if (Peek.Kind != TokenKind.LeftParen)
        {
            throw Unexpected(Peek, "grouping opts", "\"(\"");
        }

        Advance();
        var labels = new List<string>();
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.RightParen)
            {
                end = Advance().End;
                return labels;
            }

            if (t.Kind == TokenKind.String)
            {
                Advance();
                var s = Unquote(t);
                if (!StringLiterals.IsValidUtf8(s))
                {
                    throw Error(t.Position, $"invalid label name for grouping: {Printer.GoQuote(s)}");
                }

                labels.Add(s);
            }
            else if (t.Kind is TokenKind.Identifier or TokenKind.MetricIdentifier || t.Kind.IsKeyword() || t.Kind.IsAggregator()
                || t.Kind is TokenKind.LAnd or TokenKind.LOr or TokenKind.LUnless or TokenKind.Atan2)
            {
                Advance();
                var name = t.Text(_input);
                if (!LabelValidation.IsValidLegacyLabelName(name))
                {
                    throw Error(t.Position, $"invalid label name for grouping: {Printer.GoQuote(name)}");
                }

                labels.Add(name);
            }
            else
            {
                throw Unexpected(t, "grouping opts", "label");
            }

            if (Peek.Kind == TokenKind.Comma)
            {
                Advance();
                continue;
            }

            if (Peek.Kind != TokenKind.RightParen)
            {
                throw Unexpected(Peek, "grouping opts", "\",\" or \")\"");
            }
        }
    }

    // ---- Selectors -------------------------------------------------------------------

    private VectorSelector ParseVectorSelector()
    {
        var start = Peek;
        var name = string.Empty;
        var end = start.End;
        if (start.Kind is TokenKind.Identifier or TokenKind.MetricIdentifier || IsMetricNameKeyword(start.Kind))
        {
            Advance();
            name = start.Text(_input);
        }

        var matchers = new List<LabelMatcher>();
        if (Peek.Kind == TokenKind.LeftBrace)
        {
            end = ParseLabelMatchers(matchers);
        }

        if (name.Length > 0)
        {
            matchers.Add(LabelMatcher.Equal(LabelValidation.MetricNameLabel, name));
        }

        var pos = new PositionRange(start.Start, end);
        return new VectorSelector(name, matchers) { Position = pos, SelectorPosition = pos };
    }

    private static bool IsMetricNameKeyword(TokenKind kind) =>
        kind.IsAggregator() || kind is TokenKind.By or TokenKind.Without or TokenKind.Offset or TokenKind.LAnd
            or TokenKind.LOr or TokenKind.LUnless or TokenKind.Start or TokenKind.End;

    private int ParseLabelMatchers(List<LabelMatcher> matchers)
    {
        Advance();
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.RightBrace)
            {
                return Advance().End;
            }

            if (t.Kind is not (TokenKind.Identifier or TokenKind.String))
            {
                throw Unexpected(t, "label matching", "identifier or \"}\"");
            }

            Advance();
            var name = t.Kind == TokenKind.String ? Unquote(t) : t.Text(_input);
            var op = Peek;
            if (op.Kind is TokenKind.Assign or TokenKind.Neq or TokenKind.EqlRegex or TokenKind.NeqRegex)
            {
                Advance();
                var value = Peek;
                if (value.Kind != TokenKind.String)
                {
                    throw Unexpected(value, "label matching", "string");
                }

                Advance();
                var type = op.Kind switch
                {
                    TokenKind.Assign => LabelMatchType.Equal,
                    TokenKind.Neq => LabelMatchType.NotEqual,
                    TokenKind.EqlRegex => LabelMatchType.RegexMatch,
                    _ => LabelMatchType.RegexNoMatch,
                };
                matchers.Add(NewMatcher(type, name, Unquote(value), new PositionRange(t.Start, value.End)));
            }
            else if (t.Kind == TokenKind.String && op.Kind is TokenKind.Comma or TokenKind.RightBrace)
            {
                // A quoted metric name alone: {"my.metric"}.
                matchers.Add(NewMatcher(LabelMatchType.Equal, LabelValidation.MetricNameLabel, name, t.Position));
            }
            else
            {
                throw Unexpected(op, "label matching", "label matching operator");
            }

            if (Peek.Kind == TokenKind.Comma)
            {
                Advance();
                continue;
            }

            if (Peek.Kind != TokenKind.RightBrace)
            {
                throw Unexpected(Peek, "label matching", "\",\" or \"}\"");
            }
        }
    }

    private LabelMatcher NewMatcher(LabelMatchType type, string name, string value, PositionRange pos)
    {
        if (name.Length == 0)
        {
            throw Error(pos, "invalid empty label name");
        }

        if (type is LabelMatchType.RegexMatch or LabelMatchType.RegexNoMatch)
        {
            if (!RegexTranslation.TryTranslate(value, out var translated, out var error))
            {
                throw Error(pos, error);
            }

            try
            {
                return MatcherCache.GetOrCreate(type, name, translated);
            }
            catch (ArgumentException ex)
            {
                throw Error(pos, "error parsing regexp: " + ex.Message);
            }
        }

        return LabelMatcher.Create(type, name, value);
    }

    // ---- Literals --------------------------------------------------------------------

    private string Unquote(Token t) => StringLiterals.Unquote(t.Span(_input));

    private double ParseNumber(Token t)
    {
        var text = t.Text(_input);
        if (TryParseGoNumber(text, out var value, out var error))
        {
            return value;
        }

        throw Error(t.Position, "error parsing number: " + error);
    }

    /// <summary>Upstream's number rule: Go's <c>ParseInt(s, 0, 64)</c> (hex, octal, underscores), else <c>ParseFloat</c>.</summary>
    internal static bool TryParseGoNumber(string text, out double value, out string error)
    {
        error = string.Empty;
        var digits = text.Replace("_", string.Empty, StringComparison.Ordinal);
        if (digits.Length > 2 && digits[0] == '0' && digits[1] is 'x' or 'X')
        {
            if (ulong.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) && hex <= long.MaxValue)
            {
                value = hex;
                return true;
            }

            value = 0;
            error = $"strconv.ParseFloat: parsing {Printer.GoQuote(text)}: invalid syntax";
            return false;
        }

        if (digits.Length > 1 && digits[0] == '0' && digits.All(c => c is >= '0' and <= '7'))
        {
            long octal = 0;
            var ok = true;
            foreach (var c in digits)
            {
                if (octal > (long.MaxValue >> 3))
                {
                    ok = false;
                    break;
                }

                octal = (octal * 8) + (c - '0');
            }

            if (ok)
            {
                value = octal;
                return true;
            }
        }

        if (!GoNumbers.TryParseFloat(Encoding.UTF8.GetBytes(digits), out value, out var err))
        {
            error = err.Replace(Printer.GoQuote(digits), Printer.GoQuote(text), StringComparison.Ordinal);
            return false;
        }

        return true;
    }

    private TimeSpan ParseDuration(Token t)
    {
        if (!PromQLDuration.TryParse(t.Text(_input), out var d, out var error))
        {
            throw Error(t.Position, error);
        }

        return d;
    }

    // ---- Type checks (upstream's checkAST) --------------------------------------------

    private ExprType Check(Expr node)
    {
        switch (node)
        {
            case AggregateExpr a:
                ExpectType(a.Expr, ExprType.Vector, "aggregation expression");
                if (a.Param is not null)
                {
                    ExpectType(a.Param, a.Op == TokenKind.CountValues ? ExprType.String : ExprType.Scalar, "aggregation parameter");
                }

                break;
            case BinaryExpr b:
                CheckBinary(b);
                break;
            case CallExpr c:
                CheckCall(c);
                break;
            case ParenExpr p:
                Check(p.Expr);
                break;
            case UnaryExpr u:
                {
                    var t = Check(u.Expr);
                    if (t is not (ExprType.Scalar or ExprType.Vector))
                    {
                        throw Error(u.Position, $"unary expression only allowed on expressions of type scalar or instant vector, got {Printer.GoQuote(t.Documented())}");
                    }

                    break;
                }

            case SubqueryExpr s:
                {
                    var t = Check(s.Expr);
                    if (t != ExprType.Vector)
                    {
                        throw Error(s.Position, $"subquery is only allowed on instant vector, got {t.Name()} instead");
                    }

                    break;
                }

            case MatrixSelector m:
                Check(m.Selector);
                break;
            case VectorSelector v:
                CheckSelector(v);
                break;
        }

        return node.Type;
    }

    private void ExpectType(Expr node, ExprType want, string context)
    {
        var t = Check(node);
        if (t != want)
        {
            throw Error(node.Position, $"expected type {want.Documented()} in {context}, got {t.Documented()}");
        }
    }

    private void CheckBinary(BinaryExpr b)
    {
        var lt = Check(b.Lhs);
        var rt = Check(b.Rhs);
        var opPos = _operatorPositions.TryGetValue(b, out var p) ? p : b.Position;
        if (b.ReturnBool && !b.Op.IsComparisonOperator())
        {
            throw Error(opPos, "bool modifier can only be used on comparison operators");
        }

        if (b.Op.IsComparisonOperator() && !b.ReturnBool && lt == ExprType.Scalar && rt == ExprType.Scalar)
        {
            throw Error(opPos, "comparisons between scalars must use BOOL modifier");
        }

        var vm = _writtenMatching.TryGetValue(b, out var written) ? written : b.Matching ?? new VectorMatching(VectorMatchCardinality.OneToOne, [], false, []);
        if (vm.On)
        {
            foreach (var l1 in vm.MatchingLabels)
            {
                if (vm.Include.Contains(l1))
                {
                    throw Error(opPos, $"label {Printer.GoQuote(l1)} must not occur in ON and GROUP clause at once");
                }
            }
        }

        if (lt is not (ExprType.Scalar or ExprType.Vector))
        {
            throw Error(b.Lhs.Position, "binary expression must contain only scalar and instant vector types");
        }

        if (rt is not (ExprType.Scalar or ExprType.Vector))
        {
            throw Error(b.Rhs.Position, "binary expression must contain only scalar and instant vector types");
        }

        if (lt != ExprType.Vector || rt != ExprType.Vector)
        {
            if (vm.MatchingLabels.Count > 0)
            {
                throw Error(b.Position, "vector matching only allowed between instant vectors");
            }
        }
        else if (b.Op.IsSetOperator())
        {
            if (vm.Card is VectorMatchCardinality.OneToMany or VectorMatchCardinality.ManyToOne)
            {
                throw Error(b.Position, $"no grouping allowed for \"{b.Op.Text()}\" operation");
            }
        }

        if ((lt == ExprType.Scalar || rt == ExprType.Scalar) && b.Op.IsSetOperator())
        {
            throw Error(b.Position, $"set operator \"{b.Op.Text()}\" not allowed in binary scalar expression");
        }
    }

    private void CheckCall(CallExpr c)
    {
        var f = c.Function;
        var nargs = f.ArgTypes.Count;
        if (f.Variadic == 0)
        {
            if (nargs != c.Args.Count)
            {
                throw Error(c.Position, $"expected {nargs} argument(s) in call to {Printer.GoQuote(f.Name)}, got {c.Args.Count}");
            }
        }
        else
        {
            var min = nargs - 1;
            if (min > c.Args.Count)
            {
                throw Error(c.Position, $"expected at least {min} argument(s) in call to {Printer.GoQuote(f.Name)}, got {c.Args.Count}");
            }

            var max = min + f.Variadic;
            if (f.Variadic > 0 && max < c.Args.Count)
            {
                throw Error(c.Position, $"expected at most {max} argument(s) in call to {Printer.GoQuote(f.Name)}, got {c.Args.Count}");
            }
        }

        for (var i = 0; i < c.Args.Count; i++)
        {
            var typeIndex = i;
            if (i >= nargs)
            {
                if (f.Variadic == 0)
                {
                    break;
                }

                typeIndex = nargs - 1;
            }

            ExpectType(c.Args[i], f.ArgTypes[typeIndex], $"call to function {Printer.GoQuote(f.Name)}");
        }

        if (f.Name == "info" && c.Args.Count > 1)
        {
            CheckInfoSelector(c.Args[1]);
        }
    }

    private void CheckInfoSelector(Expr arg)
    {
        if (arg is VectorSelector vs)
        {
            if (vs.Name.Length > 0)
            {
                throw Error(arg.Position, "expected label selectors only, got vector selector instead");
            }

            return;
        }

        throw Error(arg.Position, "expected label selectors only");
    }

    private void CheckSelector(VectorSelector v)
    {
        if (v.Name.Length > 0)
        {
            for (var i = 0; i < v.Matchers.Count - 1; i++)
            {
                var m = v.Matchers[i];
                if (m.Name == LabelValidation.MetricNameLabel)
                {
                    throw Error(v.Position, $"metric name must not be set twice: {Printer.GoQuote(v.Name)} or {Printer.GoQuote(m.Value)}");
                }
            }

            return;
        }

        foreach (var m in v.Matchers)
        {
            if (!m.MatchesEmpty)
            {
                return;
            }
        }

        throw Error(v.Position, "vector selector must contain at least one non-empty matcher");
    }
}
