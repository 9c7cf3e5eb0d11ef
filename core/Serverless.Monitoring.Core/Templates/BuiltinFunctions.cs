using System.Numerics;
using System.Text;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// Go's predefined template functions (<c>text/template/funcs.go</c>): <c>and or not len index
/// slice call print printf println html js urlquery eq ne lt le gt ge</c>, with Go's signatures,
/// comparison rules and error texts.
/// </summary>
internal static class BuiltinFunctions
{
    private static readonly GoType V = GoType.ReflectValue;

    public static IReadOnlyList<TemplateFunction> All { get; } =
    [
        new("and", [V], V, static (_, _) => null, TemplateFunctionKind.And),
        new("or", [V], V, static (_, _) => null, TemplateFunctionKind.Or),
        new("not", [V], null, static (_, a) => !TemplateExecutor.IsTrue(a[0])),
        new("len", [V], null, static (_, a) => Length(a[0])),
        new("index", [V], V, static (_, a) => Index(a[0], a[1..])),
        new("slice", [V], V, static (_, a) => Slice(a[0], a[1..])),
        new("call", [V], V, static (c, a) => Call(c, (string)a[0]!, a[1], a[2..]), TemplateFunctionKind.Call),
        new("print", [], GoType.Any, static (_, a) => GoFmt.Sprint(a)),
        new("printf", [GoType.GoString], GoType.Any, static (_, a) => GoFmt.Sprintf((string)a[0]!, a[1..])),
        new("println", [], GoType.Any, static (_, a) => GoFmt.Sprintln(a)),
        new("html", [], GoType.Any, static (_, a) => GoText.HtmlEscape(EvalArgs(a))),
        new("js", [], GoType.Any, static (_, a) => GoText.JsEscape(EvalArgs(a))),
        new("urlquery", [], GoType.Any, static (_, a) => GoText.QueryEscape(EvalArgs(a))),
        new("eq", [V], V, static (_, a) => Eq(a[0], a[1..])),
        new("ne", [V, V], null, static (_, a) => !Eq(a[0], a[1..])),
        new("lt", [V, V], null, static (_, a) => Lt(a[0], a[1])),
        new("le", [V, V], null, static (_, a) => Lt(a[0], a[1]) || Eq(a[0], a[1..])),
        new("gt", [V, V], null, static (_, a) => !(Lt(a[0], a[1]) || Eq(a[0], a[1..]))),
        new("ge", [V, V], null, static (_, a) => !Lt(a[0], a[1])),
    ];

    // Go's evalArgs: a lone string as is, else each argument as printed in a template (pointers followed, nil as <no value>), through Sprint.
    private static string EvalArgs(ReadOnlySpan<object?> args)
    {
        if (args.Length == 1 && args[0] is string s)
        {
            return s;
        }

        var printable = new object?[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            printable[i] = args[i] is null ? "<no value>" : TemplateExecutor.Indirect(args[i]);
        }

        return GoFmt.Sprint(printable);
    }

    private static long Length(object? item)
    {
        return TemplateExecutor.Indirect(item) switch
        {
            string s => Encoding.UTF8.GetByteCount(s),
            GoNamed { Underlying: string s } => Encoding.UTF8.GetByteCount(s),
            GoMap m => m.Count,
            GoSlice s => s.Count,
            null => throw new TemplateFunctionException("reflect: call of reflect.Value.Type on zero Value"),
            var v => throw new TemplateFunctionException($"len of type {GoType.Of(v)!.Name}"),
        };
    }

    private static int IndexArg(object? index, int cap)
    {
        long x = index switch
        {
            long l => l,
            GoNamed { Underlying: long l } => l,
            null => throw new TemplateFunctionException("cannot index slice/array with nil"),
            _ => throw new TemplateFunctionException($"cannot index slice/array with type {GoType.Of(index)!.Name}"),
        };
        if (x < 0 || x > cap)
        {
            throw new TemplateFunctionException($"index out of range: {x}");
        }

        return (int)x;
    }

    private static object? Index(object? item, ReadOnlySpan<object?> indexes)
    {
        if (item is null)
        {
            throw new TemplateFunctionException("index of untyped nil");
        }

        foreach (var index in indexes)
        {
            item = TemplateExecutor.Indirect(item);
            switch (item)
            {
                case GoSlice slice:
                    {
                        var x = IndexArg(index, slice.Count);
                        item = x < slice.Count ? slice[x] : throw new TemplateFunctionException("reflect: slice index out of range");
                        break;
                    }

                case string or GoNamed { Underlying: string }:
                    {
                        // A string indexes its UTF-8 bytes (uint8 in Go).
                        var bytes = Encoding.UTF8.GetBytes(item as string ?? (string)((GoNamed)item).Underlying);
                        var x = IndexArg(index, bytes.Length);
                        item = x < bytes.Length ? (long)bytes[x] : throw new TemplateFunctionException("reflect: string index out of range");
                        break;
                    }

                case GoMap map:
                    {
                        var key = index switch
                        {
                            string s => s,
                            null => throw new TemplateFunctionException("value is nil; should be of type string"),
                            _ => throw new TemplateFunctionException($"value has type {GoType.Of(index)!.Name}; should be string"),
                        };
                        item = map.TryGetValue(key, out var v) ? v : map.Type.Elem?.Zero;
                        break;
                    }

                case null:
                    throw new TemplateFunctionException("index of untyped nil");
                default:
                    throw new TemplateFunctionException($"can't index item of type {GoType.Of(item)!.Name}");
            }
        }

        return item;
    }

    private static object? Slice(object? item, ReadOnlySpan<object?> indexes)
    {
        if (item is null)
        {
            throw new TemplateFunctionException("slice of untyped nil");
        }

        if (indexes.Length > 3)
        {
            throw new TemplateFunctionException($"too many slice indexes: {indexes.Length}");
        }

        byte[]? bytes = null;
        int cap;
        switch (item)
        {
            case string or GoNamed { Underlying: string }:
                if (indexes.Length == 3)
                {
                    throw new TemplateFunctionException("cannot 3-index slice a string");
                }

                bytes = Encoding.UTF8.GetBytes(item as string ?? (string)((GoNamed)item).Underlying);
                cap = bytes.Length;
                break;
            case GoSlice s:
                cap = s.Count;
                break;
            default:
                throw new TemplateFunctionException($"can't slice item of type {GoType.Of(item)!.Name}");
        }

        Span<int> idx = [0, cap, 0];
        for (var i = 0; i < indexes.Length; i++)
        {
            idx[i] = IndexArg(indexes[i], cap);
        }

        if (idx[0] > idx[1])
        {
            throw new TemplateFunctionException($"invalid slice index: {idx[0]} > {idx[1]}");
        }

        if (indexes.Length == 3 && idx[1] > idx[2])
        {
            throw new TemplateFunctionException($"invalid slice index: {idx[1]} > {idx[2]}");
        }

        if (bytes is not null)
        {
            var text = Encoding.UTF8.GetString(bytes, idx[0], idx[1] - idx[0]);
            return item is GoNamed named ? new GoNamed(named.Type, text) : text;
        }

        return ((GoSlice)item).Slice(idx[0], idx[1]);
    }

    // Go's call: the callee's text names it in errors.
    private static object? Call(TemplateCall call, string name, object? fn, ReadOnlySpan<object?> args)
    {
        if (fn is null)
        {
            throw new TemplateFunctionException("call of nil");
        }

        if (fn is not GoFunc f)
        {
            throw new TemplateFunctionException($"non-function {name} of type {GoType.Of(fn)!.Name}");
        }

        var function = f.Function;
        var numIn = function.NumIn;
        if (function.Variadic is not null)
        {
            if (args.Length < numIn - 1)
            {
                throw new TemplateFunctionException($"wrong number of args for {name}: got {args.Length} want at least {numIn - 1}");
            }
        }
        else if (args.Length != numIn)
        {
            throw new TemplateFunctionException($"wrong number of args for {name}: got {args.Length} want {numIn}");
        }

        for (var i = 0; i < args.Length; i++)
        {
            var type = function.ParameterType(i);
            if (args[i] is null)
            {
                if (!type.CanBeNil)
                {
                    throw new TemplateFunctionException($"arg {i}: value is nil; should be of type {type.Name}");
                }
            }
            else if (!type.IsAssignableFrom(GoType.Of(args[i])!))
            {
                throw new TemplateFunctionException($"arg {i}: value has type {GoType.Of(args[i])!.Name}; should be {type.Name}");
            }
        }

        return function.Body(new TemplateCall(null, call.State), args);
    }

    private enum BasicKind
    {
        Invalid,
        Bool,
        Complex,
        Int,
        Float,
        String,
    }

    private static (BasicKind Kind, object? Value) Basic(object? v) => v switch
    {
        bool b => (BasicKind.Bool, b),
        long l => (BasicKind.Int, l),
        double d => (BasicKind.Float, d),
        string s => (BasicKind.String, s),
        Complex c => (BasicKind.Complex, c),
        GoNamed n => Basic(n.Underlying),
        _ => (BasicKind.Invalid, v),
    };

    private static bool Eq(object? arg1, ReadOnlySpan<object?> arg2)
    {
        if (arg2.Length == 0)
        {
            throw new TemplateFunctionException("missing argument for comparison");
        }

        var (k1, v1) = Basic(arg1);
        foreach (var arg in arg2)
        {
            var (k2, v2) = Basic(arg);
            bool truth;
            if (k1 != k2)
            {
                if (arg1 is not null && arg is not null)
                {
                    throw Incompatible(arg1, arg);
                }

                truth = false;
            }
            else
            {
                truth = k1 switch
                {
                    BasicKind.Bool => (bool)v1! == (bool)v2!,
                    BasicKind.Complex => (Complex)v1! == (Complex)v2!,
                    BasicKind.Float => (double)v1! == (double)v2!,
                    BasicKind.Int => (long)v1! == (long)v2!,
                    BasicKind.String => (string)v1! == (string)v2!,
                    _ => EqOther(arg1, arg),
                };
            }

            if (truth)
            {
                return true;
            }
        }

        return false;
    }

    // Neither value is of a basic kind: nil equals only nil; pointers compare by identity; maps, slices and functions do not compare.
    private static bool EqOther(object? a, object? b)
    {
        var ka = GoType.KindOf(a);
        var kb = GoType.KindOf(b);
        if (ka != kb && ka != GoKind.Invalid && kb != GoKind.Invalid)
        {
            throw new TemplateFunctionException(GoFmt.Sprintf("non-comparable types %s: %v, %s: %v", a, GoType.Of(a)!.Name, GoType.Of(b)!.Name, b));
        }

        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (kb is GoKind.Map or GoKind.Slice or GoKind.Func)
        {
            throw new TemplateFunctionException(GoFmt.Sprintf("non-comparable type %s: %v", b, GoType.Of(b)!.Name));
        }

        return ReferenceEquals(a, b) || (a is GoValue va && b is GoValue vb && ReferenceEquals(va.Type, vb.Type) && a.Equals(b));
    }

    private static TemplateFunctionException Incompatible(object a, object b) =>
        new($"incompatible types for comparison: {GoType.Of(a)!.Name} and {GoType.Of(b)!.Name}");

    private static bool Lt(object? arg1, object? arg2)
    {
        var (k1, v1) = Basic(arg1);
        var (k2, v2) = Basic(arg2);
        if (k1 == BasicKind.Invalid || k2 == BasicKind.Invalid)
        {
            throw new TemplateFunctionException("invalid type for comparison");
        }

        if (k1 != k2)
        {
            throw Incompatible(arg1!, arg2!);
        }

        return k1 switch
        {
            BasicKind.Float => (double)v1! < (double)v2!,
            BasicKind.Int => (long)v1! < (long)v2!,
            BasicKind.String => Utf8Ordinal.CompareSpans((string)v1!, (string)v2!) < 0,
            _ => throw new TemplateFunctionException("invalid type for comparison"),
        };
    }
}
