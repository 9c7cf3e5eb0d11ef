using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// Go's <c>text/template</c> parser, written after <c>parse/parse.go</c> (Go 1.25, with
/// <c>{{else with}}</c> and the nesting limit): one parse yields the
/// top-level template and every <c>define</c>d and <c>block</c> template, with Go's checks
/// (functions must exist, variables must be declared, <c>break</c> only inside <c>range</c>)
/// and Go's error texts. Each template being parsed keeps its own three-token lookahead over
/// one shared token stream, as Go's do; that decides the line an error reports.
/// </summary>
internal sealed class TemplateParser
{
    private const int MaxStackDepth = 10000;

    private readonly TokenStream _stream;
    private readonly Dictionary<string, TemplateTree> _treeSet;
    private readonly TemplateFunctionTable _functions;
    private readonly TemplateTree _tree;
    private readonly TemplateToken[] _token = new TemplateToken[3];
    private readonly List<string> _vars = ["$"];
    private int _peekCount;
    private int _actionLine;
    private int _rangeDepth;
    private int _stackDepth;

    private TemplateParser(TokenStream stream, Dictionary<string, TemplateTree> treeSet, TemplateFunctionTable functions, TemplateTree tree)
    {
        _stream = stream;
        _treeSet = treeSet;
        _functions = functions;
        _tree = tree;
    }

    /// <summary>Parses <paramref name="text"/> as the template <paramref name="name"/>; returns every template it defines, by name.</summary>
    /// <exception cref="TemplateParseException">With Go's message.</exception>
    public static Dictionary<string, TemplateTree> Parse(string name, string text, TemplateFunctionTable functions)
    {
        var tokens = TemplateLexer.Tokenize(text, !functions.Contains("break"), !functions.Contains("continue"));
        var treeSet = new Dictionary<string, TemplateTree>(StringComparer.Ordinal);
        var parser = new TemplateParser(new TokenStream(tokens), treeSet, functions, new TemplateTree(name, name, text));
        parser.ParseTop();
        parser.Add();
        return treeSet;
    }

    private sealed class TokenStream(List<TemplateToken> tokens)
    {
        private int _index;

        // After the last token Go's closed channel yields a zero item: an empty error on line 0.
        public TemplateToken Next() => _index < tokens.Count ? tokens[_index++] : new TemplateToken(TemplateTokenKind.Error, 0, string.Empty, 0);
    }

    private T New<T>(T node)
        where T : TemplateNode
    {
        node.Tree = _tree;
        return node;
    }

    private TemplateToken Next()
    {
        if (_peekCount > 0)
        {
            _peekCount--;
        }
        else
        {
            _token[0] = _stream.Next();
        }

        return _token[_peekCount];
    }

    private void Backup() => _peekCount++;

    private void Backup2(TemplateToken t1)
    {
        _token[1] = t1;
        _peekCount = 2;
    }

    private void Backup3(TemplateToken t2, TemplateToken t1)
    {
        _token[1] = t1;
        _token[2] = t2;
        _peekCount = 3;
    }

    private TemplateToken Peek()
    {
        if (_peekCount > 0)
        {
            return _token[_peekCount - 1];
        }

        _peekCount = 1;
        _token[0] = _stream.Next();
        return _token[0];
    }

    private TemplateToken NextNonSpace()
    {
        TemplateToken token;
        do
        {
            token = Next();
        }
        while (token.Kind == TemplateTokenKind.Space);

        return token;
    }

    private TemplateToken PeekNonSpace()
    {
        var token = NextNonSpace();
        Backup();
        return token;
    }

    // Go splices the location into the format string (so a '%' in a template name is read as a verb, as in Go).
    private TemplateParseException Errorf(string format, params object?[] args) =>
        new(GoFmt.Sprintf($"template: {_tree.ParseName}:{_token[0].Line.ToString(CultureInfo.InvariantCulture)}: {format}", args));

    private TemplateToken Expect(TemplateTokenKind expected, string context)
    {
        var token = NextNonSpace();
        if (token.Kind != expected)
        {
            throw Unexpected(token, context);
        }

        return token;
    }

    private TemplateToken ExpectOneOf(TemplateTokenKind expected1, TemplateTokenKind expected2, string context)
    {
        var token = NextNonSpace();
        if (token.Kind != expected1 && token.Kind != expected2)
        {
            throw Unexpected(token, context);
        }

        return token;
    }

    private TemplateParseException Unexpected(TemplateToken token, string context)
    {
        if (token.Kind == TemplateTokenKind.Error)
        {
            var extra = string.Empty;
            if (_actionLine != 0 && _actionLine != token.Line)
            {
                extra = $" in action started at {_tree.ParseName}:{_actionLine.ToString(CultureInfo.InvariantCulture)}";
                if (token.Value.EndsWith(" action", StringComparison.Ordinal))
                {
                    extra = extra[" in action".Length..];
                }
            }

            return Errorf("%s%s", token.ToString(), extra);
        }

        return Errorf("unexpected %s in %s", token.ToString(), context);
    }

    private void Add()
    {
        if (!_treeSet.TryGetValue(_tree.Name, out var existing) || IsEmptyTree(existing.Root))
        {
            _treeSet[_tree.Name] = _tree;
            return;
        }

        if (!IsEmptyTree(_tree.Root))
        {
            throw Errorf("template: multiple definition of template %q", _tree.Name);
        }
    }

    /// <summary>Go's <c>parse.IsEmptyTree</c>: nothing but whitespace and comments.</summary>
    internal static bool IsEmptyTree(TemplateNode? node) => node switch
    {
        null => true,
        CommentNode => true,
        ListNode list => list.Nodes.TrueForAll(IsEmptyTree),
        TextNode text => string.IsNullOrWhiteSpace(text.Text),
        _ => false,
    };

    private void ParseTop()
    {
        _tree.Root = New(new ListNode(Peek().Pos));
        while (Peek().Kind != TemplateTokenKind.Eof)
        {
            if (Peek().Kind == TemplateTokenKind.LeftDelim)
            {
                var delim = Next();
                if (NextNonSpace().Kind == TemplateTokenKind.Define)
                {
                    var definition = new TemplateParser(_stream, _treeSet, _functions, new TemplateTree("definition", _tree.ParseName, _tree.Text));
                    definition.ParseDefinition();
                    continue;
                }

                Backup2(delim);
            }

            var n = TextOrAction();
            if (n is EndNode or ElseNode)
            {
                throw Errorf("unexpected %s", n.ToString());
            }

            _tree.Root.Nodes.Add(n);
        }
    }

    private void ParseDefinition()
    {
        const string context = "define clause";
        var name = ExpectOneOf(TemplateTokenKind.String, TemplateTokenKind.RawString, context);
        _tree.Name = Unquote(name.Value);
        Expect(TemplateTokenKind.RightDelim, context);
        var (list, end) = ItemList();
        _tree.Root = list;
        if (end is not EndNode)
        {
            throw Errorf("unexpected %s in %s", end.ToString(), context);
        }

        Add();
    }

    private string Unquote(string literal) =>
        GoStrconv.TryUnquote(literal, out var value, out var error) ? value : throw Errorf("%s", error);

    private (ListNode List, TemplateNode Next) ItemList()
    {
        var list = New(new ListNode(PeekNonSpace().Pos));
        while (PeekNonSpace().Kind != TemplateTokenKind.Eof)
        {
            var n = TextOrAction();
            if (n is EndNode or ElseNode)
            {
                return (list, n);
            }

            list.Nodes.Add(n);
        }

        throw Errorf("unexpected EOF");
    }

    private TemplateNode TextOrAction()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TemplateTokenKind.Text:
                return New(new TextNode(token.Pos, token.Value));
            case TemplateTokenKind.LeftDelim:
                // Nested actions recurse; Go's stacks grow, a thread's here does not.
                if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
                {
                    throw Errorf("max expression depth exceeded");
                }

                _actionLine = token.Line;
                try
                {
                    return Action();
                }
                finally
                {
                    _actionLine = 0;
                }

            case TemplateTokenKind.Comment:
                return New(new CommentNode(token.Pos, token.Value));
            default:
                throw Unexpected(token, "input");
        }
    }

    private TemplateNode Action()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TemplateTokenKind.Block:
                return BlockControl();
            case TemplateTokenKind.Break:
                return BreakControl(token.Pos, token.Line);
            case TemplateTokenKind.Continue:
                return ContinueControl(token.Pos, token.Line);
            case TemplateTokenKind.Else:
                return ElseControl();
            case TemplateTokenKind.End:
                return New(new EndNode(Expect(TemplateTokenKind.RightDelim, "end").Pos));
            case TemplateTokenKind.If:
                return ParseControl(BranchKind.If, "if");
            case TemplateTokenKind.Range:
                return ParseControl(BranchKind.Range, "range");
            case TemplateTokenKind.Template:
                return TemplateControl();
            case TemplateTokenKind.With:
                return ParseControl(BranchKind.With, "with");
        }

        Backup();
        token = Peek();
        return New(new ActionNode(token.Pos, token.Line, Pipeline("command", TemplateTokenKind.RightDelim)));
    }

    private BreakNode BreakControl(int pos, int line)
    {
        var token = NextNonSpace();
        if (token.Kind != TemplateTokenKind.RightDelim)
        {
            throw Unexpected(token, "{{break}}");
        }

        if (_rangeDepth == 0)
        {
            throw Errorf("{{break}} outside {{range}}");
        }

        return New(new BreakNode(pos, line));
    }

    private ContinueNode ContinueControl(int pos, int line)
    {
        var token = NextNonSpace();
        if (token.Kind != TemplateTokenKind.RightDelim)
        {
            throw Unexpected(token, "{{continue}}");
        }

        if (_rangeDepth == 0)
        {
            throw Errorf("{{continue}} outside {{range}}");
        }

        return New(new ContinueNode(pos, line));
    }

    private PipeNode Pipeline(string context, TemplateTokenKind end)
    {
        var first = PeekNonSpace();
        var pipe = New(new PipeNode(first.Pos, first.Line));

        // Declarations: $x := …, $x = …, and in range $i, $e := ….
        while (true)
        {
            var v = PeekNonSpace();
            if (v.Kind != TemplateTokenKind.Variable)
            {
                break;
            }

            Next();
            var tokenAfterVariable = Peek();
            var next = PeekNonSpace();
            if (next.Kind is TemplateTokenKind.Assign or TemplateTokenKind.Declare)
            {
                pipe.IsAssign = next.Kind == TemplateTokenKind.Assign;
                NextNonSpace();
                pipe.Decl.Add(New(new VariableNode(v.Pos, v.Value)));
                _vars.Add(v.Value);
                break;
            }

            if (next.Kind == TemplateTokenKind.Char && next.Value == ",")
            {
                NextNonSpace();
                pipe.Decl.Add(New(new VariableNode(v.Pos, v.Value)));
                _vars.Add(v.Value);
                if (context == "range" && pipe.Decl.Count < 2)
                {
                    if (PeekNonSpace().Kind is TemplateTokenKind.Variable or TemplateTokenKind.RightDelim or TemplateTokenKind.RightParen)
                    {
                        continue;
                    }

                    throw Errorf("range can only initialize variables");
                }

                throw Errorf("too many declarations in %s", context);
            }

            if (tokenAfterVariable.Kind == TemplateTokenKind.Space)
            {
                Backup3(v, tokenAfterVariable);
            }
            else
            {
                Backup2(v);
            }

            break;
        }

        while (true)
        {
            var token = NextNonSpace();
            if (token.Kind == end)
            {
                CheckPipeline(pipe, context);
                return pipe;
            }

            switch (token.Kind)
            {
                case TemplateTokenKind.Bool or TemplateTokenKind.CharConstant or TemplateTokenKind.Complex or TemplateTokenKind.Dot
                    or TemplateTokenKind.Field or TemplateTokenKind.Identifier or TemplateTokenKind.Number or TemplateTokenKind.Nil
                    or TemplateTokenKind.RawString or TemplateTokenKind.String or TemplateTokenKind.Variable or TemplateTokenKind.LeftParen:
                    Backup();
                    pipe.Cmds.Add(Command());
                    break;
                default:
                    throw Unexpected(token, context);
            }
        }
    }

    private void CheckPipeline(PipeNode pipe, string context)
    {
        if (pipe.Cmds.Count == 0)
        {
            throw Errorf("missing value for %s", context);
        }

        for (var i = 1; i < pipe.Cmds.Count; i++)
        {
            if (pipe.Cmds[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
            {
                throw Errorf("non executable command in pipeline stage %d", (long)(i + 1));
            }
        }
    }

    private BranchNode ParseControl(BranchKind kind, string context)
    {
        var mark = _vars.Count;
        try
        {
            var pipe = Pipeline(context, TemplateTokenKind.RightDelim);
            if (kind == BranchKind.Range)
            {
                _rangeDepth++;
            }

            var (list, next) = ItemList();
            if (kind == BranchKind.Range)
            {
                _rangeDepth--;
            }

            ListNode? elseList = null;
            if (next is ElseNode)
            {
                // {{else if …}} is {{else}}{{if …}}…{{end}}{{end}} sharing one {{end}}; likewise {{else with …}} (Go 1.23).
                if (kind == BranchKind.If && Peek().Kind == TemplateTokenKind.If)
                {
                    Next();
                    elseList = New(new ListNode(next.Pos));
                    elseList.Nodes.Add(ParseControl(BranchKind.If, "if"));
                }
                else if (kind == BranchKind.With && Peek().Kind == TemplateTokenKind.With)
                {
                    Next();
                    elseList = New(new ListNode(next.Pos));
                    elseList.Nodes.Add(ParseControl(BranchKind.With, "with"));
                }
                else
                {
                    (elseList, next) = ItemList();
                    if (next is not EndNode)
                    {
                        throw Errorf("expected end; found %s", next.ToString());
                    }
                }
            }

            return New(new BranchNode(kind, pipe.Pos, pipe.Line, pipe, list, elseList));
        }
        finally
        {
            _vars.RemoveRange(mark, _vars.Count - mark);
        }
    }

    private ElseNode ElseControl()
    {
        var peek = PeekNonSpace();
        if (peek.Kind is TemplateTokenKind.If or TemplateTokenKind.With)
        {
            return New(new ElseNode(peek.Pos, peek.Line));
        }

        var token = Expect(TemplateTokenKind.RightDelim, "else");
        return New(new ElseNode(token.Pos, token.Line));
    }

    private TemplateCallNode BlockControl()
    {
        const string context = "block clause";
        var token = NextNonSpace();
        var name = ParseTemplateName(token, context);
        var pipe = Pipeline(context, TemplateTokenKind.RightDelim);

        var block = new TemplateParser(_stream, _treeSet, _functions, new TemplateTree(name, _tree.ParseName, _tree.Text));
        var (list, end) = block.ItemList();
        block._tree.Root = list;
        if (end is not EndNode)
        {
            throw Errorf("unexpected %s in %s", end.ToString(), context);
        }

        block.Add();
        return New(new TemplateCallNode(token.Pos, token.Line, name, pipe));
    }

    private TemplateCallNode TemplateControl()
    {
        const string context = "template clause";
        var token = NextNonSpace();
        var name = ParseTemplateName(token, context);
        PipeNode? pipe = null;
        if (NextNonSpace().Kind != TemplateTokenKind.RightDelim)
        {
            Backup();
            pipe = Pipeline(context, TemplateTokenKind.RightDelim);
        }

        return New(new TemplateCallNode(token.Pos, token.Line, name, pipe));
    }

    private string ParseTemplateName(TemplateToken token, string context) =>
        token.Kind is TemplateTokenKind.String or TemplateTokenKind.RawString ? Unquote(token.Value) : throw Unexpected(token, context);

    private CommandNode Command()
    {
        var cmd = New(new CommandNode(PeekNonSpace().Pos));
        while (true)
        {
            PeekNonSpace();
            var operand = Operand();
            if (operand is not null)
            {
                cmd.Args.Add(operand);
            }

            var token = Next();
            if (token.Kind == TemplateTokenKind.Space)
            {
                continue;
            }

            if (token.Kind is TemplateTokenKind.RightDelim or TemplateTokenKind.RightParen)
            {
                Backup();
            }
            else if (token.Kind != TemplateTokenKind.Pipe)
            {
                throw Unexpected(token, "operand");
            }

            break;
        }

        if (cmd.Args.Count == 0)
        {
            throw Errorf("empty command");
        }

        return cmd;
    }

    private TemplateNode? Operand()
    {
        var node = Term();
        if (node is null)
        {
            return null;
        }

        if (Peek().Kind == TemplateTokenKind.Field)
        {
            var chain = New(new ChainNode(Peek().Pos, node));
            while (Peek().Kind == TemplateTokenKind.Field)
            {
                chain.Field.Add(Next().Value[1..]);
            }

            switch (node)
            {
                case FieldNode:
                    return New(new FieldNode(chain.Pos, chain.ToString()));
                case VariableNode:
                    return New(new VariableNode(chain.Pos, chain.ToString()));
                case BoolNode or StringNode or NumberNode or NilNode or DotNode:
                    throw Errorf("unexpected . after term %q", node.ToString());
                default:
                    return chain;
            }
        }

        return node;
    }

    private TemplateNode? Term()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TemplateTokenKind.Identifier:
                if (!_functions.TryGet(token.Value, out var function))
                {
                    throw Errorf("function %q not defined", token.Value);
                }

                return New(new IdentifierNode(token.Pos, token.Value) { Function = function });
            case TemplateTokenKind.Dot:
                return New(new DotNode(token.Pos));
            case TemplateTokenKind.Nil:
                return New(new NilNode(token.Pos));
            case TemplateTokenKind.Variable:
                return UseVar(token.Pos, token.Value);
            case TemplateTokenKind.Field:
                return New(new FieldNode(token.Pos, token.Value));
            case TemplateTokenKind.Bool:
                return New(new BoolNode(token.Pos, token.Value == "true"));
            case TemplateTokenKind.CharConstant or TemplateTokenKind.Complex or TemplateTokenKind.Number:
                return NewNumber(token);
            case TemplateTokenKind.LeftParen:
                // Go limits nesting to 10000; a thread's stack may hold less here, and then the same error is given.
                if (_stackDepth >= MaxStackDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
                {
                    throw Errorf("max expression depth exceeded");
                }

                _stackDepth++;
                try
                {
                    return Pipeline("parenthesized pipeline", TemplateTokenKind.RightParen);
                }
                finally
                {
                    _stackDepth--;
                }

            case TemplateTokenKind.String or TemplateTokenKind.RawString:
                return New(new StringNode(token.Pos, token.Value, Unquote(token.Value)));
        }

        Backup();
        return null;
    }

    private VariableNode UseVar(int pos, string name)
    {
        var v = New(new VariableNode(pos, name));
        if (_vars.Contains(v.Ident[0]))
        {
            return v;
        }

        throw Errorf("undefined variable %q", v.Ident[0]);
    }

    // Go's newNumber: every reading of the literal, then what it evaluates to (idealConstant).
    private NumberNode NewNumber(TemplateToken token)
    {
        var text = token.Value;
        var n = New(new NumberNode(token.Pos, text));
        switch (token.Kind)
        {
            case TemplateTokenKind.CharConstant:
                {
                    var i = 0;
                    var body = text.AsSpan(1);
                    if (body.IsEmpty || !GoStrconv.TryUnquoteChar(body, ref i, text[0], out var rune, out _))
                    {
                        throw Errorf("%s", "invalid syntax");
                    }

                    if (body[i..] is not "'")
                    {
                        throw Errorf("%s", $"malformed character constant: {text}");
                    }

                    n.Int64 = rune;
                    n.IsInt = true;
                    n.Uint64 = (ulong)rune;
                    n.IsUint = true;
                    n.Float64 = rune;
                    n.IsFloat = true;
                    SetConstant(n);
                    return n;
                }

            case TemplateTokenKind.Complex:
                {
                    var split = -1;
                    for (var i = text.Length - 2; i > 0; i--)
                    {
                        if (text[i] is '+' or '-' && text[i - 1] is not ('e' or 'E' or 'p' or 'P'))
                        {
                            split = i;
                            break;
                        }
                    }

                    if (split < 0
                        || !GoStrconv.TryParseFloat(text[..split], out var re, out _)
                        || !GoStrconv.TryParseFloat(text[split..^1], out var im, out _))
                    {
                        throw Errorf("%s", $"illegal number syntax: {GoStrconv.Quote(text)}");
                    }

                    n.Complex128 = new Complex(re, im);
                    n.IsComplex = true;
                    SimplifyComplex(n);
                    SetConstant(n);
                    return n;
                }
        }

        if (text.Length > 0 && text[^1] == 'i' && GoStrconv.TryParseFloat(text[..^1], out var imaginary, out _))
        {
            n.IsComplex = true;
            n.Complex128 = new Complex(0, imaginary);
            SimplifyComplex(n);
            SetConstant(n);
            return n;
        }

        if (GoStrconv.TryParseInteger(text, false, out _, out var u))
        {
            n.IsUint = true;
            n.Uint64 = u;
        }

        if (GoStrconv.TryParseInteger(text, true, out var l, out _))
        {
            n.IsInt = true;
            n.Int64 = l;
            if (l == 0)
            {
                n.IsUint = true; // -0
                n.Uint64 = u;
            }
        }

        if (n.IsInt)
        {
            n.IsFloat = true;
            n.Float64 = n.Int64;
        }
        else if (n.IsUint)
        {
            n.IsFloat = true;
            n.Float64 = n.Uint64;
        }
        else if (GoStrconv.TryParseFloat(text, out var f, out _))
        {
            if (text.AsSpan().IndexOfAny(".eEpP") < 0)
            {
                throw Errorf("%s", $"integer overflow: {GoStrconv.Quote(text)}");
            }

            n.IsFloat = true;
            n.Float64 = f;
            if (IsIntegral(f, signed: true))
            {
                n.IsInt = true;
                n.Int64 = (long)f;
            }

            if (IsIntegral(f, signed: false))
            {
                n.IsUint = true;
                n.Uint64 = (ulong)f;
            }
        }

        if (!n.IsInt && !n.IsUint && !n.IsFloat)
        {
            throw Errorf("%s", $"illegal number syntax: {GoStrconv.Quote(text)}");
        }

        SetConstant(n);
        return n;
    }

    // float64(int64(f)) == f (or uint64) on amd64: integral and in range.
    private static bool IsIntegral(double f, bool signed) =>
        Math.Floor(f) == f && (signed ? f >= -9.2233720368547758e18 && f < 9.2233720368547758e18 : f >= 0 && f < 1.8446744073709552e19);

    private static void SimplifyComplex(NumberNode n)
    {
        n.IsFloat = n.Complex128.Imaginary == 0;
        if (n.IsFloat)
        {
            n.Float64 = n.Complex128.Real;
            n.IsInt = IsIntegral(n.Float64, signed: true);
            if (n.IsInt)
            {
                n.Int64 = (long)n.Float64;
            }

            n.IsUint = IsIntegral(n.Float64, signed: false);
            if (n.IsUint)
            {
                n.Uint64 = (ulong)n.Float64;
            }
        }
    }

    // Go's idealConstant, decided once: complex, float (when written as one), else int.
    private static void SetConstant(NumberNode n)
    {
        var text = n.Text;
        var isHexInt = text.Length > 2 && text[0] == '0' && text[1] is 'x' or 'X' && text.AsSpan().IndexOfAny("pP") < 0;
        var isRuneInt = text.Length > 0 && text[0] == '\'';
        if (n.IsComplex)
        {
            n.Constant = n.Complex128;
        }
        else if (n.IsFloat && !isHexInt && !isRuneInt && text.AsSpan().IndexOfAny(".eEpP") >= 0)
        {
            n.Constant = n.Float64;
        }
        else if (n.IsInt)
        {
            n.Constant = n.Int64;
        }
        else if (n.IsUint)
        {
            n.ConstantError = $"{text} overflows int";
        }
    }
}
