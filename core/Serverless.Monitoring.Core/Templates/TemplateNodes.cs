using System.Runtime.CompilerServices;
using System.Text;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// A node of a parsed template (Go's <c>parse.Node</c>). <see cref="Pos"/> is a char offset in
/// the template text; <see cref="ToString"/> prints the node as Go does, which is how execution
/// errors show where they happened (<c>executing "x" at &lt;.Labels.foo&gt;</c>).
/// </summary>
public abstract class TemplateNode(int pos)
{
    /// <summary>Where the node starts in the template text.</summary>
    public int Pos { get; } = pos;

    /// <summary>The tree the node was parsed into (its text and top-level name locate errors).</summary>
    public TemplateTree? Tree { get; internal set; }

    internal abstract void WriteTo(StringBuilder sb);

    public override string ToString()
    {
        var sb = new StringBuilder();
        try
        {
            WriteTo(sb);
        }
        catch (InsufficientExecutionStackException)
        {
            // A node nested deeper than the stack allows (an error context): what fits is enough.
            sb.Append('…');
        }

        return sb.ToString();
    }
}

/// <summary>A sequence of nodes.</summary>
public sealed class ListNode(int pos) : TemplateNode(pos)
{
    /// <summary>The nodes, in order.</summary>
    public List<TemplateNode> Nodes { get; } = [];

    internal override void WriteTo(StringBuilder sb)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        foreach (var n in Nodes)
        {
            n.WriteTo(sb);
        }
    }
}

/// <summary>Plain text.</summary>
public sealed class TextNode(int pos, string text) : TemplateNode(pos)
{
    /// <summary>The text.</summary>
    public string Text { get; } = text;

    internal override void WriteTo(StringBuilder sb) => sb.Append(Text);
}

/// <summary>A comment, kept only on request.</summary>
public sealed class CommentNode(int pos, string text) : TemplateNode(pos)
{
    /// <summary>The comment with its delimiters.</summary>
    public string Text { get; } = text;

    internal override void WriteTo(StringBuilder sb) => sb.Append("{{").Append(Text).Append("}}");
}

/// <summary>A pipeline: optional variable declarations, then commands joined by <c>|</c>.</summary>
public sealed class PipeNode(int pos, int line) : TemplateNode(pos)
{
    /// <summary>The line the pipeline starts on.</summary>
    public int Line { get; } = line;

    /// <summary>True for <c>$x = …</c>, false for <c>$x := …</c>.</summary>
    public bool IsAssign { get; internal set; }

    /// <summary>The variables declared or assigned.</summary>
    public List<VariableNode> Decl { get; } = [];

    /// <summary>The commands.</summary>
    public List<CommandNode> Cmds { get; } = [];

    internal override void WriteTo(StringBuilder sb)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (Decl.Count > 0)
        {
            for (var i = 0; i < Decl.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }

                Decl[i].WriteTo(sb);
            }

            sb.Append(" := ");
        }

        for (var i = 0; i < Cmds.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" | ");
            }

            Cmds[i].WriteTo(sb);
        }
    }
}

/// <summary>An action that prints its pipeline's value (unless it declares variables).</summary>
public sealed class ActionNode(int pos, int line, PipeNode pipe) : TemplateNode(pos)
{
    /// <summary>The line.</summary>
    public int Line { get; } = line;

    /// <summary>The pipeline.</summary>
    public PipeNode Pipe { get; } = pipe;

    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("{{");
        Pipe.WriteTo(sb);
        sb.Append("}}");
    }
}

/// <summary>One command of a pipeline: a function, field or value with its arguments.</summary>
public sealed class CommandNode(int pos) : TemplateNode(pos)
{
    /// <summary>The words: the first is the operation, the rest its arguments.</summary>
    public List<TemplateNode> Args { get; } = [];

    internal override void WriteTo(StringBuilder sb)
    {
        for (var i = 0; i < Args.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }

            if (Args[i] is PipeNode p)
            {
                sb.Append('(');
                p.WriteTo(sb);
                sb.Append(')');
                continue;
            }

            Args[i].WriteTo(sb);
        }
    }
}

/// <summary>A function name.</summary>
public sealed class IdentifierNode(int pos, string ident) : TemplateNode(pos)
{
    /// <summary>The name.</summary>
    public string Ident { get; } = ident;

    /// <summary>The function, resolved when the template is parsed.</summary>
    public TemplateFunction? Function { get; internal set; }

    internal override void WriteTo(StringBuilder sb) => sb.Append(Ident);
}

/// <summary>A variable, possibly followed by fields: <c>$labels.job</c>.</summary>
public sealed class VariableNode(int pos, string ident) : TemplateNode(pos)
{
    /// <summary>The variable name, then the field names.</summary>
    public string[] Ident { get; } = ident.Split('.');

    internal override void WriteTo(StringBuilder sb) => sb.AppendJoin('.', Ident);
}

/// <summary>The cursor, <c>.</c>.</summary>
public sealed class DotNode(int pos) : TemplateNode(pos)
{
    internal override void WriteTo(StringBuilder sb) => sb.Append('.');
}

/// <summary>The untyped <c>nil</c>.</summary>
public sealed class NilNode(int pos) : TemplateNode(pos)
{
    internal override void WriteTo(StringBuilder sb) => sb.Append("nil");
}

/// <summary>A field chain on dot: <c>.Labels.job</c>.</summary>
public sealed class FieldNode(int pos, string ident) : TemplateNode(pos)
{
    /// <summary>The field names (without the leading dot).</summary>
    public string[] Ident { get; } = ident[1..].Split('.');

    internal override void WriteTo(StringBuilder sb)
    {
        foreach (var id in Ident)
        {
            sb.Append('.').Append(id);
        }
    }
}

/// <summary>Fields on a term that is not dot or a variable: <c>(query "up").Foo</c>.</summary>
public sealed class ChainNode(int pos, TemplateNode node) : TemplateNode(pos)
{
    /// <summary>The term.</summary>
    public TemplateNode Node { get; } = node;

    /// <summary>The field names.</summary>
    public List<string> Field { get; } = [];

    internal override void WriteTo(StringBuilder sb)
    {
        if (Node is PipeNode)
        {
            sb.Append('(');
            Node.WriteTo(sb);
            sb.Append(')');
        }
        else
        {
            Node.WriteTo(sb);
        }

        foreach (var f in Field)
        {
            sb.Append('.').Append(f);
        }
    }
}

/// <summary><c>true</c> or <c>false</c>.</summary>
public sealed class BoolNode(int pos, bool value) : TemplateNode(pos)
{
    /// <summary>The value.</summary>
    public bool Value { get; } = value;

    internal override void WriteTo(StringBuilder sb) => sb.Append(Value ? "true" : "false");
}

/// <summary>A number literal with every reading Go gives it (integer, unsigned, float, complex).</summary>
public sealed class NumberNode(int pos, string text) : TemplateNode(pos)
{
    /// <summary>The literal as written.</summary>
    public string Text { get; } = text;

    /// <summary>The value fits an int64.</summary>
    public bool IsInt { get; internal set; }

    /// <summary>The value fits a uint64.</summary>
    public bool IsUint { get; internal set; }

    /// <summary>The value is a float64.</summary>
    public bool IsFloat { get; internal set; }

    /// <summary>The value is complex.</summary>
    public bool IsComplex { get; internal set; }

    /// <summary>The signed value.</summary>
    public long Int64 { get; internal set; }

    /// <summary>The unsigned value.</summary>
    public ulong Uint64 { get; internal set; }

    /// <summary>The float value.</summary>
    public double Float64 { get; internal set; }

    /// <summary>The complex value.</summary>
    public System.Numerics.Complex Complex128 { get; internal set; }

    /// <summary>What the literal evaluates to where any type is accepted (Go's <c>idealConstant</c>), when it is valid; set by the parser.</summary>
    internal object? Constant { get; set; }

    /// <summary>Why <see cref="Constant"/> is missing (e.g. <c>… overflows int</c>).</summary>
    internal string? ConstantError { get; set; }

    internal override void WriteTo(StringBuilder sb) => sb.Append(Text);
}

/// <summary>A string literal.</summary>
public sealed class StringNode(int pos, string quoted, string text) : TemplateNode(pos)
{
    /// <summary>The literal with its quotes.</summary>
    public string Quoted { get; } = quoted;

    /// <summary>The string value.</summary>
    public string Text { get; } = text;

    internal override void WriteTo(StringBuilder sb) => sb.Append(Quoted);
}

/// <summary><c>{{end}}</c>; never left in a tree.</summary>
internal sealed class EndNode(int pos) : TemplateNode(pos)
{
    internal override void WriteTo(StringBuilder sb) => sb.Append("{{end}}");
}

/// <summary><c>{{else}}</c>; never left in a tree.</summary>
internal sealed class ElseNode(int pos, int line) : TemplateNode(pos)
{
    public int Line { get; } = line;

    internal override void WriteTo(StringBuilder sb) => sb.Append("{{else}}");
}

/// <summary>The kind of a branch node.</summary>
public enum BranchKind
{
    /// <summary><c>if</c>.</summary>
    If,

    /// <summary><c>range</c>.</summary>
    Range,

    /// <summary><c>with</c>.</summary>
    With,
}

/// <summary><c>if</c>, <c>range</c> or <c>with</c>: a pipeline, a body and an optional else body.</summary>
public sealed class BranchNode(BranchKind kind, int pos, int line, PipeNode pipe, ListNode list, ListNode? elseList) : TemplateNode(pos)
{
    /// <summary>Which action.</summary>
    public BranchKind Kind { get; } = kind;

    /// <summary>The line.</summary>
    public int Line { get; } = line;

    /// <summary>The pipeline.</summary>
    public PipeNode Pipe { get; } = pipe;

    /// <summary>The body.</summary>
    public ListNode List { get; } = list;

    /// <summary>The else body, or null.</summary>
    public ListNode? ElseList { get; } = elseList;

    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("{{").Append(Kind switch { BranchKind.If => "if", BranchKind.Range => "range", _ => "with" }).Append(' ');
        Pipe.WriteTo(sb);
        sb.Append("}}");
        List.WriteTo(sb);
        if (ElseList is not null)
        {
            sb.Append("{{else}}");
            ElseList.WriteTo(sb);
        }

        sb.Append("{{end}}");
    }
}

/// <summary><c>{{break}}</c>.</summary>
public sealed class BreakNode(int pos, int line) : TemplateNode(pos)
{
    /// <summary>The line.</summary>
    public int Line { get; } = line;

    internal override void WriteTo(StringBuilder sb) => sb.Append("{{break}}");
}

/// <summary><c>{{continue}}</c>.</summary>
public sealed class ContinueNode(int pos, int line) : TemplateNode(pos)
{
    /// <summary>The line.</summary>
    public int Line { get; } = line;

    internal override void WriteTo(StringBuilder sb) => sb.Append("{{continue}}");
}

/// <summary><c>{{template "name" pipeline}}</c> (also what <c>block</c> leaves in place).</summary>
public sealed class TemplateCallNode(int pos, int line, string name, PipeNode? pipe) : TemplateNode(pos)
{
    /// <summary>The line.</summary>
    public int Line { get; } = line;

    /// <summary>The name of the template to run.</summary>
    public string Name { get; } = name;

    /// <summary>The pipeline whose value becomes dot, or null.</summary>
    public PipeNode? Pipe { get; } = pipe;

    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("{{template ").Append(GoStrconv.Quote(Name));
        if (Pipe is not null)
        {
            sb.Append(' ');
            Pipe.WriteTo(sb);
        }

        sb.Append("}}");
    }
}

/// <summary>
/// One named template: its body, the text it was parsed from (shared by every template of one
/// parse) and the top-level name errors report as the location (<c>ParseName</c>).
/// </summary>
public sealed class TemplateTree(string name, string parseName, string text)
{
    /// <summary>The template's name.</summary>
    public string Name { get; internal set; } = name;

    /// <summary>The name of the top-level template being parsed when this one was.</summary>
    public string ParseName { get; } = parseName;

    /// <summary>The whole text that was parsed.</summary>
    public string Text { get; } = text;

    /// <summary>The body.</summary>
    public ListNode? Root { get; internal set; }
}
