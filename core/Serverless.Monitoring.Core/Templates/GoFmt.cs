using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// Go's <c>fmt.Sprint</c>, <c>Sprintln</c> and <c>Sprintf</c> over template values: every verb
/// and flag of <c>fmt</c> for the kinds templates hold (<c>%v %+v %#v %T %t %d %b %o %O %x %X
/// %c %q %U %e %E %f %F %g %G %s %p</c>, width, precision, <c>*</c>, <c>[n]</c>), the
/// <c>String()</c> method of a type preferred as in Go, and Go's error texts for a bad verb,
/// a missing or extra argument (<c>%!d(string=x)</c>, <c>%!s(MISSING)</c>, <c>%!(EXTRA …)</c>).
/// </summary>
public static class GoFmt
{
    /// <summary><c>fmt.Sprint</c>: operands in <c>%v</c>, a space between two that are not strings.</summary>
    public static string Sprint(params ReadOnlySpan<object?> args)
    {
        var p = new GoPrinter(new StringBuilder());
        var prevString = false;
        for (var i = 0; i < args.Length; i++)
        {
            var isString = GoType.KindOf(args[i]) == GoKind.String;
            if (i > 0 && !isString && !prevString)
            {
                p.Buffer.Append(' ');
            }

            p.PrintArg(args[i], 'v');
            prevString = isString;
        }

        return p.Buffer.ToString();
    }

    /// <summary><c>fmt.Sprintln</c>: operands in <c>%v</c> separated by spaces, then a newline.</summary>
    public static string Sprintln(params ReadOnlySpan<object?> args)
    {
        var p = new GoPrinter(new StringBuilder());
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0)
            {
                p.Buffer.Append(' ');
            }

            p.PrintArg(args[i], 'v');
        }

        p.Buffer.Append('\n');
        return p.Buffer.ToString();
    }

    /// <summary><c>fmt.Sprintf</c>.</summary>
    public static string Sprintf(string format, params ReadOnlySpan<object?> args)
    {
        ArgumentNullException.ThrowIfNull(format);
        var p = new GoPrinter(new StringBuilder(format.Length + 16));
        p.DoPrintf(format, args);
        return p.Buffer.ToString();
    }

    /// <summary>Appends one value as <c>fmt.Fprint</c> would write it (<c>%v</c>).</summary>
    public static void Append(StringBuilder sb, object? value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        switch (value)
        {
            case string s:
                sb.Append(s);
                return;
            case long l:
                sb.Append(l);
                return;
            case double d:
                GoStrconv.AppendFloat(sb, d, 'g', -1);
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            default:
                new GoPrinter(sb).PrintArg(value, 'v');
                return;
        }
    }
}

/// <summary>One formatting run over a buffer: Go's <c>pp</c> and <c>fmt</c> state.</summary>
internal sealed class GoPrinter(StringBuilder buffer)
{
    private const string LowerDigits = "0123456789abcdefx";
    private const string UpperDigits = "0123456789ABCDEFX";

    private bool _plus;
    private bool _minus;
    private bool _sharp;
    private bool _space;
    private bool _zero;
    private bool _plusV;
    private bool _sharpV;
    private bool _widPresent;
    private bool _precPresent;
    private int _wid;
    private int _prec;
    private bool _erroring;
    private bool _goodArgNum;
    private bool _reordered;

    // The operand being printed, for %!verb(type=value); _hasArg false when there is none (nil).
    private object? _arg;
    private bool _hasArg;

    public StringBuilder Buffer { get; } = buffer;

    private void ClearFlags()
    {
        _plus = _minus = _sharp = _space = _zero = _plusV = _sharpV = false;
        _widPresent = _precPresent = false;
        _wid = _prec = 0;
    }

    public void PrintArg(object? arg, char verb)
    {
        _arg = arg;
        _hasArg = arg is not null;
        if (arg is null)
        {
            if (verb is 'T' or 'v')
            {
                PadString("<nil>");
            }
            else
            {
                BadVerb(verb);
            }

            return;
        }

        if (verb == 'T')
        {
            FmtS(GoType.Of(arg)!.Name);
            return;
        }

        if (verb == 'p')
        {
            FmtPointer(arg, 'p');
            return;
        }

        switch (arg)
        {
            case bool b:
                FmtBool(b, verb);
                return;
            case double d:
                FmtFloat(d, verb);
                return;
            case long l:
                FmtInteger(unchecked((ulong)l), true, verb);
                return;
            case string s:
                FmtString(s, verb);
                return;
            case Complex c:
                FmtComplex(c, verb);
                return;
        }

        if (!HandleMethods(arg, verb))
        {
            PrintValue(arg, verb, 0);
        }
    }

    private bool HandleMethods(object arg, char verb)
    {
        if (_erroring || _sharpV || verb is not ('v' or 's' or 'x' or 'X' or 'q'))
        {
            return false;
        }

        if (arg is GoValue v && v.Type.IsStringer)
        {
            var s = v.Type.Methods["String"].Body(new TemplateCall(v, null), []) as string ?? string.Empty;
            FmtString(s, verb);
            return true;
        }

        return false;
    }

    private void PrintValue(object? value, char verb, int depth)
    {
        if (depth > 0 && value is not null)
        {
            _arg = value;
            _hasArg = true;
            if (HandleMethods(value, verb))
            {
                return;
            }
        }

        _arg = value;
        _hasArg = value is not null;
        switch (value)
        {
            case null:
                if (depth == 0)
                {
                    Buffer.Append("<invalid reflect.Value>");
                }
                else if (verb == 'v')
                {
                    Buffer.Append("<nil>");
                }
                else
                {
                    BadVerb(verb);
                }

                return;
            case bool b:
                FmtBool(b, verb);
                return;
            case long l:
                FmtInteger(unchecked((ulong)l), true, verb);
                return;
            case double d:
                FmtFloat(d, verb);
                return;
            case string s:
                FmtString(s, verb);
                return;
            case Complex c:
                FmtComplex(c, verb);
                return;
            case GoNamed named:
                switch (named.Underlying)
                {
                    case bool b: FmtBool(b, verb); break;
                    case long l: FmtInteger(unchecked((ulong)l), true, verb); break;
                    case double d: FmtFloat(d, verb); break;
                    case string s: FmtString(s, verb); break;
                }

                return;
            case GoMap map:
                if (_sharpV)
                {
                    Buffer.Append(map.Type.Name);
                    if (map.IsNil)
                    {
                        Buffer.Append("(nil)");
                        return;
                    }

                    Buffer.Append('{');
                }
                else
                {
                    Buffer.Append("map[");
                }

                var first = true;
                foreach (var (k, v) in map.Sorted())
                {
                    if (!first)
                    {
                        Buffer.Append(_sharpV ? ", " : " ");
                    }

                    first = false;
                    PrintValue(k, verb, depth + 1);
                    Buffer.Append(':');
                    PrintElement(v, map.Type.Elem, verb, depth + 1);
                }

                Buffer.Append(_sharpV ? '}' : ']');
                return;
            case GoSlice slice:
                if (_sharpV)
                {
                    Buffer.Append(slice.Type.Name).Append('{');
                    for (var i = 0; i < slice.Count; i++)
                    {
                        if (i > 0)
                        {
                            Buffer.Append(", ");
                        }

                        PrintElement(slice[i], slice.Type.Elem, verb, depth + 1);
                    }

                    Buffer.Append('}');
                }
                else
                {
                    Buffer.Append('[');
                    for (var i = 0; i < slice.Count; i++)
                    {
                        if (i > 0)
                        {
                            Buffer.Append(' ');
                        }

                        PrintValue(slice[i], verb, depth + 1);
                    }

                    Buffer.Append(']');
                }

                return;
            case GoValue v when v.Type.Kind == GoKind.Pointer:
                // A pointer prints as &{…} at the top level when it points to a struct, map or slice; else as an address.
                if (depth == 0 && v.Type.Elem?.Kind is GoKind.Struct or GoKind.Map or GoKind.Slice)
                {
                    Buffer.Append('&');
                    PrintValue(v.Dereference(), verb, depth + 1);
                    return;
                }

                FmtPointer(v, verb);
                return;
            case GoStruct s:
                PrintStruct(s, s.Type.Name, verb, depth);
                return;
            case GoFunc f:
                FmtPointer(f, verb);
                return;
            case GoValue { Type.Kind: GoKind.Struct }:
                Buffer.Append("{}"); // a struct without visible fields (time.Time's are unexported)
                return;
            default:
                Buffer.Append('?').Append(value.GetType().Name).Append('?');
                return;
        }
    }

    // An element of a map or slice: a nil in an interface-typed container is a nil interface,
    // "<nil>" whatever the verb ("interface {}(nil)" under %#v).
    private void PrintElement(object? value, GoType? elemType, char verb, int depth)
    {
        if (value is null && elemType is { Kind: GoKind.Interface })
        {
            if (_sharpV)
            {
                Buffer.Append(elemType.Name).Append("(nil)");
            }
            else
            {
                Buffer.Append("<nil>");
            }

            return;
        }

        PrintValue(value, verb, depth);
    }

    private void PrintStruct(GoStruct s, string typeName, char verb, int depth)
    {
        if (_sharpV)
        {
            Buffer.Append(typeName);
        }

        Buffer.Append('{');
        var names = s.FieldNames;
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                Buffer.Append(_sharpV ? ", " : " ");
            }

            if (_plusV || _sharpV)
            {
                Buffer.Append(names[i]).Append(':');
            }

            PrintValue(s.GetField(i), verb, depth + 1);
        }

        Buffer.Append('}');
    }

    private void BadVerb(char verb)
    {
        _erroring = true;
        Buffer.Append("%!").Append(verb).Append('(');
        if (_hasArg)
        {
            var arg = _arg;
            Buffer.Append(GoType.Of(arg)!.Name).Append('=');
            PrintArg(arg, 'v');
        }
        else
        {
            Buffer.Append("<nil>");
        }

        Buffer.Append(')');
        _erroring = false;
    }

    private void FmtBool(bool v, char verb)
    {
        if (verb is 't' or 'v')
        {
            PadString(v ? "true" : "false");
        }
        else
        {
            BadVerb(verb);
        }
    }

    private void FmtInteger(ulong v, bool isSigned, char verb)
    {
        switch (verb)
        {
            case 'v':
                if (_sharpV && !isSigned)
                {
                    Fmt0x64(v, true);
                }
                else
                {
                    FormatInteger(v, 10, isSigned, verb, LowerDigits);
                }

                return;
            case 'd':
                FormatInteger(v, 10, isSigned, verb, LowerDigits);
                return;
            case 'b':
                FormatInteger(v, 2, isSigned, verb, LowerDigits);
                return;
            case 'o' or 'O':
                FormatInteger(v, 8, isSigned, verb, LowerDigits);
                return;
            case 'x':
                FormatInteger(v, 16, isSigned, verb, LowerDigits);
                return;
            case 'X':
                FormatInteger(v, 16, isSigned, verb, UpperDigits);
                return;
            case 'c':
                FmtC(v);
                return;
            case 'q':
                Pad(GoStrconv.QuoteRune(v > 0x10FFFF ? 0xFFFD : (int)v, _plus));
                return;
            case 'U':
                FmtUnicode(v);
                return;
            default:
                BadVerb(verb);
                return;
        }
    }

    private void Fmt0x64(ulong v, bool leading0x)
    {
        var sharp = _sharp;
        _sharp = leading0x;
        FormatInteger(v, 16, false, 'v', LowerDigits);
        _sharp = sharp;
    }

    private void FormatInteger(ulong u, int numberBase, bool isSigned, char verb, string digits)
    {
        var negative = isSigned && (long)u < 0;
        if (negative)
        {
            u = unchecked(0 - u);
        }

        var prec = 0;
        if (_precPresent)
        {
            prec = _prec;
            if (prec == 0 && u == 0)
            {
                var oldZero = _zero;
                _zero = false;
                WritePadding(_wid);
                _zero = oldZero;
                return;
            }
        }
        else if (_zero && _widPresent)
        {
            prec = _wid;
            if (negative || _plus || _space)
            {
                prec--;
            }
        }

        // Built right to left, as Go does.
        Span<char> buf = stackalloc char[68 + Math.Max(0, prec)];
        var i = buf.Length;
        var b = (ulong)numberBase;
        while (u >= b)
        {
            buf[--i] = digits[(int)(u % b)];
            u /= b;
        }

        buf[--i] = digits[(int)u];
        while (i > 0 && prec > buf.Length - i)
        {
            buf[--i] = '0';
        }

        if (_sharp)
        {
            switch (numberBase)
            {
                case 2:
                    buf[--i] = 'b';
                    buf[--i] = '0';
                    break;
                case 8:
                    if (buf[i] != '0')
                    {
                        buf[--i] = '0';
                    }

                    break;
                case 16:
                    buf[--i] = digits[16];
                    buf[--i] = '0';
                    break;
            }
        }

        if (verb == 'O')
        {
            buf[--i] = 'o';
            buf[--i] = '0';
        }

        if (negative)
        {
            buf[--i] = '-';
        }
        else if (_plus)
        {
            buf[--i] = '+';
        }
        else if (_space)
        {
            buf[--i] = ' ';
        }

        var zero = _zero;
        _zero = false;
        Pad(buf[i..]);
        _zero = zero;
    }

    private void FmtC(ulong c)
    {
        var r = c > 0x10FFFF || c is >= 0xD800 and <= 0xDFFF ? 0xFFFD : (int)c;
        Pad(char.ConvertFromUtf32(r));
    }

    private void FmtUnicode(ulong u)
    {
        var prec = 4;
        if (_precPresent && _prec > 4)
        {
            prec = _prec;
        }

        var hex = u.ToString("X", CultureInfo.InvariantCulture);
        var sb = new StringBuilder("U+");
        sb.Append('0', Math.Max(prec - hex.Length, 0)).Append(hex);
        if (_sharp && u <= 0x10FFFF && GoStrconv.IsPrint((int)u))
        {
            sb.Append(" '");
            GoStrconv.AppendRune(sb, (int)u);
            sb.Append('\'');
        }

        var zero = _zero;
        _zero = false;
        Pad(sb.ToString());
        _zero = zero;
    }

    private void FmtFloat(double v, char verb)
    {
        switch (verb)
        {
            case 'v':
                FormatFloat(v, 'g', -1);
                return;
            case 'b' or 'g' or 'G' or 'x' or 'X':
                FormatFloat(v, verb, -1);
                return;
            case 'f' or 'e' or 'E':
                FormatFloat(v, verb, 6);
                return;
            case 'F':
                FormatFloat(v, 'f', 6);
                return;
            default:
                BadVerb(verb);
                return;
        }
    }

    private void FmtComplex(Complex v, char verb)
    {
        if (verb is not ('v' or 'b' or 'g' or 'G' or 'x' or 'X' or 'f' or 'F' or 'e' or 'E'))
        {
            BadVerb(verb);
            return;
        }

        var plus = _plus;
        Buffer.Append('(');
        FmtFloat(v.Real, verb);
        _plus = true;
        FmtFloat(v.Imaginary, verb);
        Buffer.Append("i)");
        _plus = plus;
    }

    // Go's fmt.fmtFloat: sign handling, Inf/NaN padding, the # flag, zero padding after the sign.
    private void FormatFloat(double v, char verb, int prec)
    {
        if (_precPresent)
        {
            prec = _prec;
        }

        var sb = new StringBuilder(32);
        sb.Append('+');
        GoStrconv.AppendFloat(sb, v, verb, prec);
        if (sb[1] is '-' or '+')
        {
            sb.Remove(0, 1);
        }

        if (_space && sb[0] == '+' && !_plus)
        {
            sb[0] = ' ';
        }

        if (sb[1] is 'I' or 'N')
        {
            var zero = _zero;
            _zero = false;
            if (sb[1] == 'N' && !_space && !_plus)
            {
                sb.Remove(0, 1);
            }

            Pad(sb.ToString());
            _zero = zero;
            return;
        }

        if (_sharp && verb != 'b')
        {
            ApplySharp(sb, verb, prec);
        }

        if (_plus || sb[0] != '+')
        {
            if (_zero && _widPresent && _wid > sb.Length)
            {
                Buffer.Append(sb[0]);
                WritePadding(_wid - sb.Length);
                Buffer.Append(sb, 1, sb.Length - 1);
                return;
            }

            Pad(sb.ToString());
            return;
        }

        Pad(sb.ToString(1, sb.Length - 1));
    }

    // %#g and friends: keep a decimal point and the trailing zeros up to the precision.
    private static void ApplySharp(StringBuilder num, char verb, int prec)
    {
        var digits = 0;
        if (verb is 'v' or 'g' or 'G' or 'x')
        {
            digits = prec == -1 ? 6 : prec;
        }

        var tail = string.Empty;
        var hasDecimalPoint = false;
        var sawNonzeroDigit = false;
        for (var i = 1; i < num.Length; i++)
        {
            var c = num[i];
            if (c == '.')
            {
                hasDecimalPoint = true;
                continue;
            }

            if (c is 'p' or 'P' || (c is 'e' or 'E' && verb is not ('x' or 'X')))
            {
                tail = num.ToString(i, num.Length - i);
                num.Length = i;
                break;
            }

            if (c != '0')
            {
                sawNonzeroDigit = true;
            }

            if (sawNonzeroDigit)
            {
                digits--;
            }
        }

        if (!hasDecimalPoint)
        {
            if (num.Length == 2 && num[1] == '0')
            {
                digits--;
            }

            num.Append('.');
        }

        if (digits > 0)
        {
            num.Append('0', digits);
        }

        num.Append(tail);
    }

    private void FmtString(string v, char verb)
    {
        switch (verb)
        {
            case 'v':
                if (_sharpV)
                {
                    FmtQ(v);
                }
                else
                {
                    FmtS(v);
                }

                return;
            case 's':
                FmtS(v);
                return;
            case 'x':
                FmtSx(v, LowerDigits);
                return;
            case 'X':
                FmtSx(v, UpperDigits);
                return;
            case 'q':
                FmtQ(v);
                return;
            default:
                BadVerb(verb);
                return;
        }
    }

    private string Truncate(string s)
    {
        if (!_precPresent)
        {
            return s;
        }

        var n = _prec;
        for (var i = 0; i < s.Length; i++)
        {
            if (--n < 0)
            {
                return s[..i];
            }

            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
        }

        return s;
    }

    private void FmtS(string s) => PadString(Truncate(s));

    // %x of a string: the hex of its UTF-8 bytes.
    private void FmtSx(string s, string digits)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var length = bytes.Length;
        if (_precPresent && _prec < length)
        {
            length = _prec;
        }

        var width = 2 * length;
        if (width > 0)
        {
            if (_space)
            {
                if (_sharp)
                {
                    width *= 2;
                }

                width += length - 1;
            }
            else if (_sharp)
            {
                width += 2;
            }
        }
        else
        {
            if (_widPresent)
            {
                WritePadding(_wid);
            }

            return;
        }

        if (_widPresent && _wid > width && !_minus)
        {
            WritePadding(_wid - width);
        }

        if (_sharp)
        {
            Buffer.Append('0').Append(digits[16]);
        }

        for (var i = 0; i < length; i++)
        {
            if (_space && i > 0)
            {
                Buffer.Append(' ');
                if (_sharp)
                {
                    Buffer.Append('0').Append(digits[16]);
                }
            }

            Buffer.Append(digits[bytes[i] >> 4]).Append(digits[bytes[i] & 0xF]);
        }

        if (_widPresent && _wid > width && _minus)
        {
            WritePadding(_wid - width);
        }
    }

    private void FmtQ(string s)
    {
        s = Truncate(s);
        if (_sharp && GoStrconv.CanBackquote(s))
        {
            PadString("`" + s + "`");
            return;
        }

        Pad(GoStrconv.Quote(s, _plus));
    }

    private void FmtPointer(object value, char verb)
    {
        ulong u;
        string typeName;
        switch (value)
        {
            case GoValue v when v.Type.Kind is GoKind.Map or GoKind.Slice or GoKind.Pointer or GoKind.Func:
                // Go prints the address; there is none to print, so a stable stand-in of the same shape.
                u = 0xc000000000UL + ((ulong)(uint)RuntimeHelpers.GetHashCode(v) << 4);
                typeName = v.Type.Name;
                break;
            default:
                BadVerb(verb);
                return;
        }

        switch (verb)
        {
            case 'v':
                if (_sharpV)
                {
                    Buffer.Append('(').Append(typeName).Append(")(");
                    Fmt0x64(u, true);
                    Buffer.Append(')');
                }
                else
                {
                    Fmt0x64(u, !_sharp);
                }

                return;
            case 'p':
                Fmt0x64(u, !_sharp);
                return;
            case 'b' or 'o' or 'd' or 'x' or 'X':
                FmtInteger(u, false, verb);
                return;
            default:
                BadVerb(verb);
                return;
        }
    }

    private void WritePadding(int n)
    {
        if (n > 0)
        {
            Buffer.Append(_zero ? '0' : ' ', n);
        }
    }

    private static int RuneCount(ReadOnlySpan<char> s)
    {
        var n = s.Length;
        for (var i = 0; i + 1 < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1]))
            {
                n--;
                i++;
            }
        }

        return n;
    }

    private void Pad(ReadOnlySpan<char> s)
    {
        if (!_widPresent || _wid == 0)
        {
            Buffer.Append(s);
            return;
        }

        var width = _wid - RuneCount(s);
        if (!_minus)
        {
            WritePadding(width);
            Buffer.Append(s);
        }
        else
        {
            Buffer.Append(s);
            WritePadding(width);
        }
    }

    private void PadString(string s) => Pad(s);

    public void DoPrintf(string format, ReadOnlySpan<object?> a)
    {
        var end = format.Length;
        var argNum = 0;
        var afterIndex = false;
        _reordered = false;
        var i = 0;
        while (i < end)
        {
            _goodArgNum = true;
            var lasti = i;
            while (i < end && format[i] != '%')
            {
                i++;
            }

            if (i > lasti)
            {
                Buffer.Append(format, lasti, i - lasti);
            }

            if (i >= end)
            {
                break;
            }

            i++;
            ClearFlags();

            // Flags, and the fast path of a verb right after them.
            var simpleDone = false;
            for (; i < end; i++)
            {
                var c = format[i];
                switch (c)
                {
                    case '#':
                        _sharp = true;
                        continue;
                    case '0':
                        _zero = !_minus;
                        continue;
                    case '+':
                        _plus = true;
                        continue;
                    case '-':
                        _minus = true;
                        _zero = false;
                        continue;
                    case ' ':
                        _space = true;
                        continue;
                }

                if (c is >= 'a' and <= 'z' && argNum < a.Length)
                {
                    if (c == 'v')
                    {
                        _sharpV = _sharp;
                        _sharp = false;
                        _plusV = _plus;
                        _plus = false;
                    }

                    PrintArg(a[argNum], c);
                    argNum++;
                    i++;
                    simpleDone = true;
                }

                break;
            }

            if (simpleDone)
            {
                continue;
            }

            (argNum, i, afterIndex) = ArgNumber(argNum, format, i, a.Length);

            if (i < end && format[i] == '*')
            {
                i++;
                (_wid, _widPresent, argNum) = IntFromArg(a, argNum);
                if (!_widPresent)
                {
                    Buffer.Append("%!(BADWIDTH)");
                }

                if (_wid < 0)
                {
                    _wid = -_wid;
                    _minus = true;
                    _zero = false;
                }

                afterIndex = false;
            }
            else
            {
                (_wid, _widPresent, i) = ParseNum(format, i, end);
                if (afterIndex && _widPresent)
                {
                    _goodArgNum = false;
                }
            }

            if (i + 1 < end && format[i] == '.')
            {
                i++;
                if (afterIndex)
                {
                    _goodArgNum = false;
                }

                (argNum, i, afterIndex) = ArgNumber(argNum, format, i, a.Length);
                if (i < end && format[i] == '*')
                {
                    i++;
                    (_prec, _precPresent, argNum) = IntFromArg(a, argNum);
                    if (_prec < 0)
                    {
                        _prec = 0;
                        _precPresent = false;
                    }

                    if (!_precPresent)
                    {
                        Buffer.Append("%!(BADPREC)");
                    }

                    afterIndex = false;
                }
                else
                {
                    (_prec, _precPresent, i) = ParseNum(format, i, end);
                    if (!_precPresent)
                    {
                        _prec = 0;
                        _precPresent = true;
                    }
                }
            }

            if (!afterIndex)
            {
                (argNum, i, afterIndex) = ArgNumber(argNum, format, i, a.Length);
            }

            if (i >= end)
            {
                Buffer.Append("%!(NOVERB)");
                break;
            }

            var verbRune = char.IsHighSurrogate(format[i]) && i + 1 < end ? char.ConvertToUtf32(format[i], format[i + 1]) : format[i];
            i += verbRune > 0xFFFF ? 2 : 1;

            if (verbRune == '%')
            {
                Buffer.Append('%');
                continue;
            }

            // Verbs outside the BMP are never valid; print them as Go would name them.
            var verb = verbRune > 0xFFFF ? '\uFFFD' : (char)verbRune;
            if (!_goodArgNum)
            {
                Buffer.Append("%!").Append(char.ConvertFromUtf32(verbRune)).Append("(BADINDEX)");
            }
            else if (argNum >= a.Length)
            {
                Buffer.Append("%!").Append(char.ConvertFromUtf32(verbRune)).Append("(MISSING)");
            }
            else
            {
                if (verb == 'v')
                {
                    _sharpV = _sharp;
                    _sharp = false;
                    _plusV = _plus;
                    _plus = false;
                }

                PrintArg(a[argNum], verb);
                argNum++;
            }
        }

        if (!_reordered && argNum < a.Length)
        {
            ClearFlags();
            Buffer.Append("%!(EXTRA ");
            for (var k = argNum; k < a.Length; k++)
            {
                if (k > argNum)
                {
                    Buffer.Append(", ");
                }

                if (a[k] is null)
                {
                    Buffer.Append("<nil>");
                }
                else
                {
                    Buffer.Append(GoType.Of(a[k])!.Name).Append('=');
                    PrintArg(a[k], 'v');
                }
            }

            Buffer.Append(')');
        }
    }

    private static bool TooLarge(int x) => x is > 1_000_000 or < -1_000_000;

    private static (int Num, bool IsNum, int NewI) ParseNum(string s, int start, int end)
    {
        if (start >= end)
        {
            return (0, false, end);
        }

        var num = 0;
        var isNum = false;
        var i = start;
        for (; i < end && char.IsAsciiDigit(s[i]); i++)
        {
            if (TooLarge(num))
            {
                return (0, false, end);
            }

            num = (num * 10) + (s[i] - '0');
            isNum = true;
        }

        return (num, isNum, i);
    }

    private static (int Num, bool IsInt, int NewArgNum) IntFromArg(ReadOnlySpan<object?> a, int argNum)
    {
        if (argNum >= a.Length)
        {
            return (0, false, argNum);
        }

        var (num, isInt) = a[argNum] switch
        {
            long l when l is >= int.MinValue and <= int.MaxValue => ((int)l, true),
            GoNamed { Underlying: long l } when l is >= int.MinValue and <= int.MaxValue => ((int)l, true),
            _ => (0, false),
        };
        if (TooLarge(num))
        {
            return (0, false, argNum + 1);
        }

        return (num, isInt, argNum + 1);
    }

    private (int ArgNum, int NewI, bool Found) ArgNumber(int argNum, string format, int i, int numArgs)
    {
        if (format.Length <= i || format[i] != '[')
        {
            return (argNum, i, false);
        }

        _reordered = true;
        var (index, wid, ok) = ParseArgNumber(format.AsSpan(i));
        if (ok && index >= 0 && index < numArgs)
        {
            return (index, i + wid, true);
        }

        _goodArgNum = false;
        return (argNum, i + wid, ok);
    }

    private static (int Index, int Wid, bool Ok) ParseArgNumber(ReadOnlySpan<char> format)
    {
        if (format.Length < 3)
        {
            return (0, 1, false);
        }

        for (var i = 1; i < format.Length; i++)
        {
            if (format[i] == ']')
            {
                var (width, ok, newi) = ParseNum(format.ToString(), 1, i);
                if (!ok || newi != i)
                {
                    return (0, i + 1, false);
                }

                return (width - 1, i + 1, true);
            }
        }

        return (0, 1, false);
    }
}
