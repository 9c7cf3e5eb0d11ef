using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// Runs a parsed template over a value, as Go's <c>text/template</c> does (<c>exec.go</c>):
/// pipelines, variables, fields, map keys and methods, <c>if</c>/<c>with</c>/<c>range</c> with
/// Go's truth and iteration rules, template calls, function calls with Go's argument checks, and
/// Go's error texts with the position and text of the node that failed.
/// </summary>
internal sealed class TemplateExecutor
{
    /// <summary>Go's limit on nested template calls.</summary>
    private const int MaxExecDepth = 100000;

    // Stands for "no piped value" (Go's missingVal), distinct from a piped nil.
    private static readonly object Missing = new();

    private readonly Template _set;
    private readonly StringBuilder _out;
    private readonly object? _state;
    private List<(string Name, object? Value)> _vars;
    private TemplateTree _tmpl;
    private TemplateNode? _node;
    private TemplateCallNode? _call;
    private int _depth;

    private TemplateExecutor(Template set, TemplateTree tree, StringBuilder output, object? data, object? state)
    {
        _set = set;
        _tmpl = tree;
        _out = output;
        _state = state;
        _vars = [("$", data)];
    }

    private enum Flow
    {
        None,
        Break,
        Continue,
    }

    public static void Execute(Template set, TemplateTree tree, StringBuilder output, object? data, object? state)
    {
        var executor = new TemplateExecutor(set, tree, output, data, state);
        if (tree.Root is null)
        {
            throw executor.Errorf("%q is an incomplete or empty template", tree.Name);
        }

        executor.Walk(data, tree.Root);
    }

    // Go splices name, location and context into the format string; a '%' in the location is read as a verb, as in Go.
    private TemplateExecutionException Errorf(string format, params object?[] args)
    {
        var name = DoublePercent(_tmpl.Name);
        if (_node is null)
        {
            return new TemplateExecutionException(GoFmt.Sprintf($"template: {name}: {format}", args));
        }

        var (location, context) = ErrorContext(_node);
        return new TemplateExecutionException(GoFmt.Sprintf(
            $"template: {location}: executing {GoStrconv.Quote(name)} at <{DoublePercent(context)}>: {format}", args));
    }

    private static string DoublePercent(string s) => s.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>Go's <c>ErrorContext</c>: <c>NAME:LINE:COLUMN</c> (column in bytes from 0) and the node's text.</summary>
    internal static (string Location, string Context) ErrorContext(TemplateNode node)
    {
        var tree = node.Tree!;
        var pos = Math.Min(node.Pos, tree.Text.Length);
        var before = tree.Text.AsSpan(0, pos);
        var lineStart = before.LastIndexOf('\n') + 1;
        var column = Encoding.UTF8.GetByteCount(before[lineStart..]);
        var line = 1 + before.Count('\n');
        return ($"{tree.ParseName}:{line.ToString(CultureInfo.InvariantCulture)}:{column.ToString(CultureInfo.InvariantCulture)}", node.ToString());
    }

    private static string TypeName(object? value) => GoType.Of(value)?.Name ?? "<nil>";

    private void Push(string name, object? value) => _vars.Add((name, value));

    private void Pop(int mark) => _vars.RemoveRange(mark, _vars.Count - mark);

    private void SetVar(string name, object? value)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                _vars[i] = (name, value);
                return;
            }
        }

        throw Errorf("undefined variable: %s", name);
    }

    private void SetTopVar(int n, object? value) => _vars[^n] = (_vars[^n].Name, value);

    private object? VarValue(string name)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                return _vars[i].Value;
            }
        }

        throw Errorf("undefined variable: %s", name);
    }

    private Flow Walk(object? dot, TemplateNode node)
    {
        _node = node;
        EnsureStack();
        switch (node)
        {
            case TextNode text:
                _out.Append(text.Text);
                return Flow.None;
            case ActionNode action:
                var val = EvalPipeline(dot, action.Pipe);
                if (action.Pipe.Decl.Count == 0)
                {
                    PrintValue(action, val);
                }

                return Flow.None;
            case ListNode list:
                foreach (var n in list.Nodes)
                {
                    var flow = Walk(dot, n);
                    if (flow != Flow.None)
                    {
                        return flow;
                    }
                }

                return Flow.None;
            case BranchNode { Kind: BranchKind.Range } range:
                return WalkRange(dot, range);
            case BranchNode branch:
                return WalkIfOrWith(branch, dot);
            case TemplateCallNode call:
                WalkTemplate(dot, call);
                return Flow.None;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            case CommentNode:
                return Flow.None;
            default:
                throw Errorf("unknown node: %s", node.ToString());
        }
    }

    private Flow WalkIfOrWith(BranchNode node, object? dot)
    {
        var mark = _vars.Count;
        try
        {
            var val = EvalPipeline(dot, node.Pipe);
            if (IsTrue(val))
            {
                return Walk(node.Kind == BranchKind.With ? val : dot, node.List);
            }

            return node.ElseList is null ? Flow.None : Walk(dot, node.ElseList);
        }
        finally
        {
            Pop(mark);
        }
    }

    /// <summary>Go's truth: false, 0, nil, and empty strings, maps and slices are false.</summary>
    internal static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        double d => d != 0,
        Complex c => c != Complex.Zero,
        GoNamed n => IsTrue(n.Underlying),
        GoMap m => m.Count > 0,
        GoSlice s => s.Count > 0,
        _ => true, // structs, non-nil pointers and functions
    };

    private Flow WalkRange(object? dot, BranchNode r)
    {
        _node = r;
        var outerMark = _vars.Count;
        try
        {
            var val = Indirect(EvalPipeline(dot, r.Pipe));
            var mark = _vars.Count;
            var decl = r.Pipe.Decl.Count;

            // Returns false when the range must stop ({{break}}). With $i, $e := the index and
            // element go to the pushed variables; with $i, $e = (Go 1.22) to the declared ones.
            bool OneIteration(object? index, object? elem)
            {
                if (decl > 0)
                {
                    if (r.Pipe.IsAssign)
                    {
                        SetVar(r.Pipe.Decl[0].Ident[0], decl > 1 ? index : elem);
                    }
                    else
                    {
                        SetTopVar(1, elem);
                    }
                }

                if (decl > 1)
                {
                    if (r.Pipe.IsAssign)
                    {
                        SetVar(r.Pipe.Decl[1].Ident[0], elem);
                    }
                    else
                    {
                        SetTopVar(2, index);
                    }
                }

                var flow = Walk(elem, r.List);
                Pop(mark);
                return flow != Flow.Break;
            }

            switch (val)
            {
                case long or GoNamed { Underlying: long }:
                    // Go 1.22: an integer n ranges over 0 … n-1, of its type, with one variable at most.
                    if (decl > 1)
                    {
                        throw Errorf("can't use %v to iterate over more than one variable", val);
                    }

                    var n = val as long? ?? (long)((GoNamed)val).Underlying;
                    if (n <= 0)
                    {
                        break;
                    }

                    for (var i = 0L; i < n; i++)
                    {
                        if (!OneIteration(null, val is GoNamed named ? new GoNamed(named.Type, i) : i))
                        {
                            break;
                        }
                    }

                    return Flow.None;
                case GoSlice slice when slice.Count > 0:
                    for (var i = 0; i < slice.Count; i++)
                    {
                        if (!OneIteration((long)i, slice[i]))
                        {
                            break;
                        }
                    }

                    return Flow.None;
                case GoMap map when map.Count > 0:
                    foreach (var (key, value) in map.Sorted())
                    {
                        if (!OneIteration(key, value))
                        {
                            break;
                        }
                    }

                    return Flow.None;
                case GoSlice or GoMap or null:
                    break;
                default:
                    throw Errorf("range can't iterate over %v", val);
            }

            return r.ElseList is null ? Flow.None : Walk(dot, r.ElseList);
        }
        finally
        {
            Pop(outerMark);
        }
    }

    private void WalkTemplate(object? dot, TemplateCallNode t)
    {
        _node = t;
        var tmpl = _set.LookupTree(t.Name);
        if (tmpl is null)
        {
            throw Errorf("template %q not defined", t.Name);
        }

        if (_depth == MaxExecDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Errorf("exceeded maximum template depth (%v)", (long)MaxExecDepth);
        }

        dot = EvalPipeline(dot, t.Pipe);
        var (vars, outerTmpl, outerCall) = (_vars, _tmpl, _call);
        _depth++;
        _tmpl = tmpl;
        _call = t;
        _vars = [("$", dot)];
        try
        {
            Walk(dot, tmpl.Root!);
        }
        finally
        {
            _depth--;
            _tmpl = outerTmpl;
            _call = outerCall;
            _vars = vars;
        }
    }

    private object? EvalPipeline(object? dot, PipeNode? pipe)
    {
        if (pipe is null)
        {
            return null;
        }

        _node = pipe;
        EnsureStack();
        var value = Missing;
        foreach (var cmd in pipe.Cmds)
        {
            value = EvalCommand(dot, cmd, value);
        }

        foreach (var variable in pipe.Decl)
        {
            if (pipe.IsAssign)
            {
                SetVar(variable.Ident[0], value);
            }
            else
            {
                Push(variable.Ident[0], value);
            }
        }

        return value;
    }

    // Nesting recurses; Go's stacks grow, a thread's here does not: stop with Go's depth error first.
    // Inside template calls the error names the innermost call, where Go's depth limit would stop, so
    // the text does not depend on which frame ran out of stack.
    private void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            if (_call is not null)
            {
                _node = _call;
            }

            throw Errorf("exceeded maximum template depth (%v)", (long)MaxExecDepth);
        }
    }

    private void NotAFunction(List<TemplateNode> args, object? final)
    {
        if (args.Count > 1 || final != Missing)
        {
            throw Errorf("can't give argument to non-function %s", args[0].ToString());
        }
    }

    private object? EvalCommand(object? dot, CommandNode cmd, object? final)
    {
        var firstWord = cmd.Args[0];
        switch (firstWord)
        {
            case FieldNode field:
                return EvalFieldNode(dot, field, cmd.Args, final);
            case ChainNode chain:
                return EvalChainNode(dot, chain, cmd.Args, final);
            case IdentifierNode identifier:
                return EvalFunction(dot, identifier, cmd, cmd.Args, final);
            case PipeNode pipe:
                NotAFunction(cmd.Args, final);
                return EvalPipeline(dot, pipe);
            case VariableNode variable:
                return EvalVariableNode(dot, variable, cmd.Args, final);
        }

        _node = firstWord;
        NotAFunction(cmd.Args, final);
        return firstWord switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            NilNode => throw Errorf("nil is not a command"),
            NumberNode n => IdealConstant(n),
            StringNode s => s.Text,
            _ => throw Errorf("can't evaluate command %q", firstWord.ToString()),
        };
    }

    private object? IdealConstant(NumberNode constant)
    {
        _node = constant;
        return constant.ConstantError is null ? constant.Constant : throw Errorf("%s", constant.ConstantError);
    }

    private object? EvalFieldNode(object? dot, FieldNode field, List<TemplateNode>? args, object? final)
    {
        _node = field;
        return EvalFieldChain(dot, dot, field, field.Ident, 0, args, final);
    }

    private object? EvalChainNode(object? dot, ChainNode chain, List<TemplateNode>? args, object? final)
    {
        _node = chain;
        if (chain.Field.Count == 0)
        {
            throw Errorf("internal error: no fields in evalChainNode");
        }

        if (chain.Node is NilNode)
        {
            throw Errorf("indirection through explicit nil in %s", chain.ToString());
        }

        var pipe = EvalArg(dot, null, chain.Node);
        return EvalFieldChain(dot, pipe, chain, chain.Field, 0, args, final);
    }

    private object? EvalVariableNode(object? dot, VariableNode variable, List<TemplateNode>? args, object? final)
    {
        _node = variable;
        var value = VarValue(variable.Ident[0]);
        if (variable.Ident.Length == 1)
        {
            NotAFunction(args ?? [variable], final);
            return value;
        }

        return EvalFieldChain(dot, value, variable, variable.Ident, 1, args, final);
    }

    // The fields ident[start..] in turn; the last one gets the arguments.
    private object? EvalFieldChain(object? dot, object? receiver, TemplateNode node, IReadOnlyList<string> ident, int start, List<TemplateNode>? args, object? final)
    {
        var n = ident.Count;
        for (var i = start; i < n - 1; i++)
        {
            receiver = EvalField(dot, ident[i], node, null, Missing, receiver);
        }

        return EvalField(dot, ident[n - 1], node, args, final, receiver);
    }

    private object? EvalFunction(object? dot, IdentifierNode node, TemplateNode cmd, List<TemplateNode>? args, object? final)
    {
        _node = node;
        var function = node.Function ?? throw Errorf("%q is not a defined function", node.Ident);
        return EvalCall(dot, function, null, cmd, node.Ident, args, final);
    }

    private object? EvalField(object? dot, string fieldName, TemplateNode node, List<TemplateNode>? args, object? final, object? receiver)
    {
        if (receiver is null)
        {
            if (_set.MissingKey == MissingKeyOption.Error)
            {
                throw Errorf("nil data; no entry for key %q", fieldName);
            }

            return null;
        }

        if (receiver is GoValue v && v.Type.Methods.TryGetValue(fieldName, out var method))
        {
            return EvalCall(dot, method, receiver, node, fieldName, args, final);
        }

        var hasArgs = (args?.Count ?? 0) > 1 || final != Missing;
        switch (receiver)
        {
            case GoStruct s when s.TryGetField(fieldName, out var field):
                if (hasArgs)
                {
                    throw Errorf("%s has arguments but cannot be invoked as function", fieldName);
                }

                return field;
            case GoMap map:
                if (hasArgs)
                {
                    throw Errorf("%s is not a method but has arguments", fieldName);
                }

                if (map.TryGetValue(fieldName, out var result))
                {
                    return result;
                }

                return _set.MissingKey switch
                {
                    MissingKeyOption.Zero => map.Type.Elem?.Zero,
                    MissingKeyOption.Error => throw Errorf("map has no entry for key %q", fieldName),
                    _ => null,
                };
        }

        throw Errorf("can't evaluate field %s in type %s", fieldName, TypeName(receiver));
    }

    private object? EvalCall(object? dot, TemplateFunction fun, object? receiver, TemplateNode node, string name, List<TemplateNode>? allArgs, object? final)
    {
        // The first word is the function or field itself.
        var argCount = allArgs is null ? 0 : allArgs.Count - 1;
        var numIn = argCount + (final != Missing ? 1 : 0);
        var numFixed = argCount;
        if (fun.Variadic is not null)
        {
            numFixed = fun.Parameters.Count;
            if (numIn < numFixed)
            {
                throw Errorf("wrong number of args for %s: want at least %d got %d", name, (long)fun.Parameters.Count, (long)argCount);
            }
        }
        else if (numIn != fun.NumIn)
        {
            throw Errorf("wrong number of args for %s: want %d got %d", name, (long)fun.NumIn, (long)numIn);
        }

        if (fun.Kind is TemplateFunctionKind.And or TemplateFunctionKind.Or)
        {
            // and/or: evaluate left to right, stop at the first false (and) or true (or).
            var argType = fun.ParameterType(0);
            object? v = null;
            for (var k = 0; k < argCount; k++)
            {
                v = EvalArg(dot, argType, allArgs![k + 1]);
                if (IsTrue(v) == (fun.Kind == TemplateFunctionKind.Or))
                {
                    return v;
                }
            }

            if (final != Missing)
            {
                v = ValidateType(final, argType);
            }

            return v;
        }

        var argv = numIn == 0 ? [] : new object?[numIn];
        var i = 0;
        for (; i < numFixed && i < argCount; i++)
        {
            argv[i] = EvalArg(dot, fun.ParameterType(i), allArgs![i + 1]);
        }

        if (fun.Variadic is not null)
        {
            for (; i < argCount; i++)
            {
                argv[i] = EvalArg(dot, fun.Variadic, allArgs![i + 1]);
            }
        }

        if (final != Missing)
        {
            var t = fun.Variadic is null ? fun.Parameters[^1] : numIn - 1 < numFixed ? fun.Parameters[numIn - 1] : fun.Variadic;
            argv[i] = ValidateType(final, t);
        }

        if (fun.Kind == TemplateFunctionKind.Call)
        {
            // Go's call names its callee in errors: the first argument as written, or the piped value.
            var callee = argCount > 0 ? allArgs![1].ToString() : final is string s ? s : final is null ? "<invalid Value>" : $"<{GoType.Of(final)!.Name} Value>";
            argv = [callee, .. argv];
        }

        try
        {
            return fun.Body(new TemplateCall(receiver, _state), argv);
        }
        catch (TemplateFunctionException e)
        {
            _node = node;
            throw Errorf("error calling %s: %s", name, e.Message);
        }
    }

    private object? ValidateType(object? value, GoType? type)
    {
        if (value is null)
        {
            if (type is null || type.CanBeNil)
            {
                return null;
            }

            throw Errorf("invalid value; expected %s", type.Name);
        }

        if (type is null || type.Kind == GoKind.Interface)
        {
            return value;
        }

        var valueType = GoType.Of(value)!;
        if (type.IsAssignableFrom(valueType))
        {
            return value;
        }

        if (value is GoValue { Type.Kind: GoKind.Pointer } pointer && ReferenceEquals(pointer.Type.Elem, type))
        {
            return pointer.Dereference();
        }

        throw Errorf("wrong type for value; expected %s; got %s", type.Name, valueType.Name);
    }

    private object? EvalArg(object? dot, GoType? type, TemplateNode n)
    {
        _node = n;
        switch (n)
        {
            case DotNode:
                return ValidateType(dot, type);
            case NilNode:
                if (type is null || type.CanBeNil)
                {
                    return null;
                }

                throw Errorf("cannot assign nil to %s", type.Name);
            case FieldNode field:
                return ValidateType(EvalFieldNode(dot, field, [n], Missing), type);
            case VariableNode variable:
                return ValidateType(EvalVariableNode(dot, variable, null, Missing), type);
            case PipeNode pipe:
                return ValidateType(EvalPipeline(dot, pipe), type);
            case IdentifierNode identifier:
                return ValidateType(EvalFunction(dot, identifier, identifier, null, Missing), type);
            case ChainNode chain:
                return ValidateType(EvalChainNode(dot, chain, null, Missing), type);
        }

        switch (type?.Kind)
        {
            case GoKind.Bool:
                return n is BoolNode b ? Typed(type, b.Value) : throw Errorf("expected bool; found %s", n.ToString());
            case GoKind.Complex:
                return n is NumberNode { IsComplex: true } c ? c.Complex128 : throw Errorf("expected complex; found %s", n.ToString());
            case GoKind.Float:
                return n is NumberNode { IsFloat: true } f ? Typed(type, f.Float64) : throw Errorf("expected float; found %s", n.ToString());
            case GoKind.Int:
                return n is NumberNode { IsInt: true } i ? Typed(type, i.Int64) : throw Errorf("expected integer; found %s", n.ToString());
            case GoKind.Interface:
                return EvalEmptyInterface(dot, n);
            case GoKind.String:
                return n is StringNode s ? Typed(type, s.Text) : throw Errorf("expected string; found %s", n.ToString());
        }

        throw Errorf("can't handle %s for arg of type %s", n.ToString(), type?.Name);
    }

    // A constant of a basic kind given to a parameter of a named type becomes a value of that type.
    private static object Typed(GoType type, object value) =>
        ReferenceEquals(type, GoType.GoString) || ReferenceEquals(type, GoType.Int) || ReferenceEquals(type, GoType.Float64) || ReferenceEquals(type, GoType.Bool)
            ? value
            : new GoNamed(type, value);

    private object? EvalEmptyInterface(object? dot, TemplateNode n)
    {
        _node = n;
        return n switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            FieldNode field => EvalFieldNode(dot, field, null, Missing),
            IdentifierNode identifier => EvalFunction(dot, identifier, identifier, null, Missing),
            NilNode => throw Errorf("evalEmptyInterface: nil (can't happen)"),
            NumberNode number => IdealConstant(number),
            StringNode s => s.Text,
            VariableNode variable => EvalVariableNode(dot, variable, null, Missing),
            PipeNode pipe => EvalPipeline(dot, pipe),
            _ => throw Errorf("can't handle assignment of %s to empty interface argument", n.ToString()),
        };
    }

    /// <summary>A pointer's target (Go's <c>indirect</c>); other values as they are.</summary>
    internal static object? Indirect(object? value) =>
        value is GoValue { Type.Kind: GoKind.Pointer } pointer ? pointer.Dereference() : value;

    private void PrintValue(TemplateNode n, object? value)
    {
        _node = n;
        switch (value)
        {
            case null:
                _out.Append("<no value>");
                return;
            case GoFunc f:
                throw Errorf("can't print %s of type %s", n.ToString(), f.Type.Name);
            default:
                GoFmt.Append(_out, Indirect(value));
                return;
        }
    }
}
