using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/parse_query</c>'s AST as Prometheus 3 writes it (web/api/v1 translate_ast.go):
/// one object per node with <c>type</c> and the node's fields. Syntax we do not parse (duration
/// expressions, anchored/smoothed selectors, fill modifiers) is written as its absence.
/// </summary>
internal static class ParseQueryJson
{
    public static void Write(Utf8JsonWriter json, Expr? node)
    {
        switch (node)
        {
            case null:
                json.WriteNullValue();
                return;
            case StepInvariantExpr s:
                Write(json, s.Expr);
                return;
            case AggregateExpr a:
                json.WriteStartObject();
                json.WriteString("type", "aggregation");
                json.WriteString("op", a.Op.Text());
                json.WritePropertyName("expr");
                Write(json, a.Expr);
                json.WritePropertyName("param");
                Write(json, a.Param);
                Strings(json, "grouping", a.Grouping);
                json.WriteBoolean("without", a.Without);
                json.WriteEndObject();
                return;
            case BinaryExpr b:
                json.WriteStartObject();
                json.WriteString("type", "binaryExpr");
                json.WriteString("op", b.Op.Text());
                json.WritePropertyName("lhs");
                Write(json, b.Lhs);
                json.WritePropertyName("rhs");
                Write(json, b.Rhs);
                json.WritePropertyName("matching");
                if (b.Matching is { } m)
                {
                    json.WriteStartObject();
                    json.WriteString("card", m.Card switch
                    {
                        VectorMatchCardinality.ManyToOne => "many-to-one",
                        VectorMatchCardinality.OneToMany => "one-to-many",
                        VectorMatchCardinality.ManyToMany => "many-to-many",
                        _ => "one-to-one",
                    });
                    Strings(json, "labels", m.MatchingLabels);
                    json.WriteBoolean("on", m.On);
                    Strings(json, "include", m.Include);
                    json.WriteStartObject("fillValues");
                    json.WriteNull("lhs");
                    json.WriteNull("rhs");
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteNullValue();
                }

                json.WriteBoolean("bool", b.ReturnBool);
                json.WriteEndObject();
                return;
            case CallExpr c:
                json.WriteStartObject();
                json.WriteString("type", "call");
                json.WriteStartObject("func");
                json.WriteString("name", c.Function.Name);
                json.WriteStartArray("argTypes");
                foreach (var t in c.Function.ArgTypes)
                {
                    json.WriteStringValue(t.Name());
                }

                json.WriteEndArray();
                json.WriteNumber("variadic", c.Function.Variadic);
                json.WriteString("returnType", c.Function.ReturnType.Name());
                json.WriteEndObject();
                json.WriteStartArray("args");
                foreach (var arg in c.Args)
                {
                    Write(json, arg);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                return;
            case MatrixSelector ms:
                json.WriteStartObject();
                json.WriteString("type", "matrixSelector");
                json.WriteString("name", ms.Selector.Name);
                json.WriteNumber("range", (long)ms.Range.TotalMilliseconds);
                json.WriteNull("rangeExpr");
                SelectorFields(json, ms.Selector);
                json.WriteEndObject();
                return;
            case SubqueryExpr q:
                json.WriteStartObject();
                json.WriteString("type", "subquery");
                json.WritePropertyName("expr");
                Write(json, q.Expr);
                json.WriteNumber("range", (long)q.Range.TotalMilliseconds);
                json.WriteNull("rangeExpr");
                json.WriteNumber("offset", (long)q.OriginalOffset.TotalMilliseconds);
                json.WriteNull("offsetExpr");
                json.WriteNumber("step", (long)q.Step.TotalMilliseconds);
                json.WriteNull("stepExpr");
                Timestamp(json, q.Timestamp, q.At);
                json.WriteEndObject();
                return;
            case NumberLiteral n:
                json.WriteStartObject();
                json.WriteString("type", "numberLiteral");
                json.WriteString("val", Printer.FormatNumber(n.Value));
                json.WriteEndObject();
                return;
            case ParenExpr p:
                json.WriteStartObject();
                json.WriteString("type", "parenExpr");
                json.WritePropertyName("expr");
                Write(json, p.Expr);
                json.WriteEndObject();
                return;
            case StringLiteral s:
                json.WriteStartObject();
                json.WriteString("type", "stringLiteral");
                json.WriteString("val", s.Value);
                json.WriteEndObject();
                return;
            case UnaryExpr u:
                json.WriteStartObject();
                json.WriteString("type", "unaryExpr");
                json.WriteString("op", u.Op.Text());
                json.WritePropertyName("expr");
                Write(json, u.Expr);
                json.WriteEndObject();
                return;
            case VectorSelector v:
                json.WriteStartObject();
                json.WriteString("type", "vectorSelector");
                json.WriteString("name", v.Name);
                SelectorFields(json, v);
                json.WriteEndObject();
                return;
            default:
                throw new InvalidOperationException($"unsupported node type {node.GetType().Name}");
        }
    }

    private static void SelectorFields(Utf8JsonWriter json, VectorSelector v)
    {
        json.WriteNumber("offset", (long)v.OriginalOffset.TotalMilliseconds);
        json.WriteNull("offsetExpr");
        json.WriteStartArray("matchers");
        foreach (var m in v.Matchers)
        {
            json.WriteStartObject();
            json.WriteString("name", m.Name);
            json.WriteString("value", m.Value);
            json.WriteString("type", m.Type switch
            {
                LabelMatchType.NotEqual => "!=",
                LabelMatchType.RegexMatch => "=~",
                LabelMatchType.RegexNoMatch => "!~",
                _ => "=",
            });
            json.WriteEndObject();
        }

        json.WriteEndArray();
        Timestamp(json, v.Timestamp, v.At);
        json.WriteBoolean("anchored", false);
        json.WriteBoolean("smoothed", false);
    }

    private static void Timestamp(Utf8JsonWriter json, long? timestamp, AtModifier at)
    {
        if (timestamp is { } t)
        {
            json.WriteNumber("timestamp", t);
        }
        else
        {
            json.WriteNull("timestamp");
        }

        if (at == AtModifier.None)
        {
            json.WriteNull("startOrEnd");
        }
        else
        {
            json.WriteString("startOrEnd", at == AtModifier.Start ? "start" : "end");
        }
    }

    private static void Strings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
