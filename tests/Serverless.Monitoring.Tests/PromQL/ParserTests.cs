using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Tests.PromQL;

public class ParserTests
{
    /// <summary>Query → structural dump (see <see cref="PromQLTestData.Dump"/>).</summary>
    public static TheoryData<string, string> Shapes => new()
    {
        // Literals.
        { "1", "Num(1)" },
        { "+Inf", "Num(Infinity)" },
        { "-Inf", "Num(-Infinity)" },
        { "NaN", "Num(NaN)" },
        { ".5", "Num(0.5)" },
        { "5.", "Num(5)" },
        { "123.4567", "Num(123.4567)" },
        { "5e-3", "Num(0.005)" },
        { "5e3", "Num(5000)" },
        { "0x123", "Num(291)" },
        { "0x1f", "Num(31)" },
        { "1_000", "Num(1000)" },
        { "010", "Num(8)" },
        { "09", "Num(9)" },
        { "-0x10", "Num(-16)" },
        { "1h", "Num(3600,dur)" },
        { "1h30m", "Num(5400,dur)" },
        { "500ms", "Num(0.5,dur)" },
        { "\"double-quoted string \\\" with escaped quote\"", "Str(\"double-quoted string \\\" with escaped quote\")" },
        { "'single-quoted string \\' with escaped quote'", "Str(\"single-quoted string ' with escaped quote\")" },
        { "`backtick-quoted string`", "Str(\"backtick-quoted string\")" },
        { "\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\" - \\xFF\\377\\u1234\\U00010111\\U0001011111☺\"", "Str(\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\" - \\xff\\xff\u1234\U00010111\U00010111" + "11☺\")" },
        { "`\\a\\b\\f\\n\\r\\t\\v\\\\\\\"' - \\xFF\\377\\u1234\\U00010111\\U0001011111☺`", "Str(\"\\\\a\\\\b\\\\f\\\\n\\\\r\\\\t\\\\v\\\\\\\\\\\\\\\"' - \\\\xFF\\\\377\\\\u1234\\\\U00010111\\\\U0001011111☺\")" },

        // Unary and precedence.
        { "-1", "Num(-1)" },
        { "--1", "Num(1)" },
        { "-2^2", "Unary(Sub;Bin(Pow;Num(2);Num(2)))" },
        { "-2*2", "Bin(Mul;Num(-2);Num(2))" },
        { "2^3^2", "Bin(Pow;Num(2);Bin(Pow;Num(3);Num(2)))" },
        { "1 + 2 * 3", "Bin(Add;Num(1);Bin(Mul;Num(2);Num(3)))" },
        { "1 * 2 + 3", "Bin(Add;Bin(Mul;Num(1);Num(2));Num(3))" },
        { "1 - 2 - 3", "Bin(Sub;Bin(Sub;Num(1);Num(2));Num(3))" },
        { "1 + 2/(3*1)", "Bin(Add;Num(1);Bin(Div;Num(2);Paren(Bin(Mul;Num(3);Num(1)))))" },
        { "1 < bool 2 - 1 * 2", "Bin(Lss,bool;Num(1);Bin(Sub;Num(2);Bin(Mul;Num(1);Num(2))))" },
        { "-some_metric", "Unary(Sub;VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "+some_metric", "Unary(Add;VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { " +some_metric", "Unary(Add;VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "a atan2 b", "Bin(Atan2,OneToOne,ignoring[],inc[];VS(a;__name__|Equal|a;0;-;None);VS(b;__name__|Equal|b;0;-;None))" },
        { "a or b and c", "Bin(LOr,ManyToMany,ignoring[],inc[];VS(a;__name__|Equal|a;0;-;None);Bin(LAnd,ManyToMany,ignoring[],inc[];VS(b;__name__|Equal|b;0;-;None);VS(c;__name__|Equal|c;0;-;None)))" },
        { "a unless b == c", "Bin(LUnless,ManyToMany,ignoring[],inc[];VS(a;__name__|Equal|a;0;-;None);Bin(Eqlc,OneToOne,ignoring[],inc[];VS(b;__name__|Equal|b;0;-;None);VS(c;__name__|Equal|c;0;-;None)))" },
        { "a + b > c", "Bin(Gtr,OneToOne,ignoring[],inc[];Bin(Add,OneToOne,ignoring[],inc[];VS(a;__name__|Equal|a;0;-;None);VS(b;__name__|Equal|b;0;-;None));VS(c;__name__|Equal|c;0;-;None))" },
        { "a % b * c atan2 d", "Bin(Atan2,OneToOne,ignoring[],inc[];Bin(Mul,OneToOne,ignoring[],inc[];Bin(Mod,OneToOne,ignoring[],inc[];VS(a;__name__|Equal|a;0;-;None);VS(b;__name__|Equal|b;0;-;None));VS(c;__name__|Equal|c;0;-;None));VS(d;__name__|Equal|d;0;-;None))" },
        { "1 == bool 1", "Bin(Eqlc,bool;Num(1);Num(1))" },
        { "foo * bar", "Bin(Mul,OneToOne,ignoring[],inc[];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },
        { "foo * 1", "Bin(Mul;VS(foo;__name__|Equal|foo;0;-;None);Num(1))" },

        // Vector matching.
        { "foo * on(test,blub) bar", "Bin(Mul,OneToOne,on[test,blub],inc[];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },
        { "foo * on(test,blub) group_left bar", "Bin(Mul,ManyToOne,on[test,blub],inc[];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },
        { "foo and on(test,blub) bar", "Bin(LAnd,ManyToMany,on[test,blub],inc[];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },
        { "foo and on() bar", "Bin(LAnd,ManyToMany,on[],inc[];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },
        { "foo and ignoring(test,blub) bar", "Bin(LAnd,ManyToMany,ignoring[test,blub],inc[];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },
        { "foo / ignoring(test,blub) group_left(blub) bar", "Bin(Div,ManyToOne,ignoring[test,blub],inc[blub];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },
        { "foo - on(test,blub) group_right(bar,foo) bar", "Bin(Sub,OneToMany,on[test,blub],inc[bar,foo];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },
        { "foo > bool on(a) group_left(\"b.c\") bar", "Bin(Gtr,bool,ManyToOne,on[a],inc[b.c];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },
        { "foo * on(on, ignoring, by, sum) bar", "Bin(Mul,OneToOne,on[on,ignoring,by,sum],inc[];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None))" },

        // Selectors.
        { "foo", "VS(foo;__name__|Equal|foo;0;-;None)" },
        { "min", "VS(min;__name__|Equal|min;0;-;None)" },
        { "sum{a=\"b\"} offset 1m", "VS(sum;a|Equal|b,__name__|Equal|sum;600000000;-;None)" },
        { "rate(avg[5m])", "Call(rate;MS(VS(avg;__name__|Equal|avg;0;-;None);3000000000))" },
        { "start + end", "Bin(Add,OneToOne,ignoring[],inc[];VS(start;__name__|Equal|start;0;-;None);VS(end;__name__|Equal|end;0;-;None))" },
        { "foo:bar", "VS(foo:bar;__name__|Equal|foo:bar;0;-;None)" },
        { "foo offset 5m", "VS(foo;__name__|Equal|foo;3000000000;-;None)" },
        { "foo offset -7m", "VS(foo;__name__|Equal|foo;-4200000000;-;None)" },
        { "foo OFFSET 1h30m", "VS(foo;__name__|Equal|foo;54000000000;-;None)" },
        { "foo OFFSET 1m30ms", "VS(foo;__name__|Equal|foo;600300000;-;None)" },
        { "foo offset 5", "VS(foo;__name__|Equal|foo;50000000;-;None)" },
        { "foo @ 1603774568", "VS(foo;__name__|Equal|foo;0;1603774568000;None)" },
        { "foo @ -100", "VS(foo;__name__|Equal|foo;0;-100000;None)" },
        { "foo @ .3", "VS(foo;__name__|Equal|foo;0;300;None)" },
        { "foo @ 3.", "VS(foo;__name__|Equal|foo;0;3000;None)" },
        { "foo @ 3.33", "VS(foo;__name__|Equal|foo;0;3330;None)" },
        { "foo @ 3.3333", "VS(foo;__name__|Equal|foo;0;3333;None)" },
        { "foo @ 3.3335", "VS(foo;__name__|Equal|foo;0;3334;None)" },
        { "foo @ 3e2", "VS(foo;__name__|Equal|foo;0;300000;None)" },
        { "foo @ 3e-1", "VS(foo;__name__|Equal|foo;0;300;None)" },
        { "foo @ 0xA", "VS(foo;__name__|Equal|foo;0;10000;None)" },
        { "foo @ -3.3e1", "VS(foo;__name__|Equal|foo;0;-33000;None)" },
        { "foo @ start()", "VS(foo;__name__|Equal|foo;0;-;Start)" },
        { "foo @ end()", "VS(foo;__name__|Equal|foo;0;-;End)" },
        { "foo @ 10 offset 5m", "VS(foo;__name__|Equal|foo;3000000000;10000;None)" },
        { "foo offset 5m @ 10", "VS(foo;__name__|Equal|foo;3000000000;10000;None)" },
        { "foo{a=\"b\"}", "VS(foo;a|Equal|b,__name__|Equal|foo;0;-;None)" },
        { "foo{NaN='b'}", "VS(foo;NaN|Equal|b,__name__|Equal|foo;0;-;None)" },
        { "foo{bar='}'}", "VS(foo;bar|Equal|},__name__|Equal|foo;0;-;None)" },
        { "foo{a=\"b\", foo!=\"bar\", test=~\"test\", bar!~\"baz\"}", "VS(foo;a|Equal|b,foo|NotEqual|bar,test|RegexMatch|test,bar|RegexNoMatch|baz,__name__|Equal|foo;0;-;None)" },
        { "foo{a=\"b\", foo!=\"bar\",}", "VS(foo;a|Equal|b,foo|NotEqual|bar,__name__|Equal|foo;0;-;None)" },
        { "{__name__=~\"bar\"}", "VS(;__name__|RegexMatch|bar;0;-;None)" },
        { "{__name__=~\"bar\", __name__!~\"baz\"}", "VS(;__name__|RegexMatch|bar,__name__|RegexNoMatch|baz;0;-;None)" },
        { "{\"my.metric\"}", "VS(;__name__|Equal|my.metric;0;-;None)" },
        { "{\"my.metric\", job=\"x\"}", "VS(;__name__|Equal|my.metric,job|Equal|x;0;-;None)" },
        { "{\"my.metric\", \"my.label\"=~\"x\"}", "VS(;__name__|Equal|my.metric,my.label|RegexMatch|x;0;-;None)" },
        { "foo{a=~\"(?P<x>b)\"}", "VS(foo;a|RegexMatch|(?<x>b),__name__|Equal|foo;0;-;None)" },
        { "foo{a=~\"[[:alpha:]]+\"}", "VS(foo;a|RegexMatch|[A-Za-z]+,__name__|Equal|foo;0;-;None)" },
        { "foo{a=~\"\\\\pL\"}", "VS(foo;a|RegexMatch|\\p{L},__name__|Equal|foo;0;-;None)" },

        // Ranges and subqueries.
        { "test[5s]", "MS(VS(test;__name__|Equal|test;0;-;None);50000000)" },
        { "test[5]", "MS(VS(test;__name__|Equal|test;0;-;None);50000000)" },
        { "test[1.5]", "MS(VS(test;__name__|Equal|test;0;-;None);15000000)" },
        { "test[5m] OFFSET 5m", "MS(VS(test;__name__|Equal|test;3000000000;-;None);3000000000)" },
        { "test[5m] @ 100 offset -2m", "MS(VS(test;__name__|Equal|test;-1200000000;100000;None);3000000000)" },
        { "foo[5y]", "MS(VS(foo;__name__|Equal|foo;0;-;None);1576800000000000)" },
        { "foo[5m:1m]", "SQ(VS(foo;__name__|Equal|foo;0;-;None);3000000000;600000000;0;-;None)" },
        { "foo[5m:]", "SQ(VS(foo;__name__|Equal|foo;0;-;None);3000000000;0;0;-;None)" },
        { "foo[5m:] offset 4m", "SQ(VS(foo;__name__|Equal|foo;0;-;None);3000000000;0;2400000000;-;None)" },
        { "foo[5m:] @ end()", "SQ(VS(foo;__name__|Equal|foo;0;-;None);3000000000;0;0;-;End)" },
        { "rate(foo[5m])[10m:1m] offset 1m @ 5", "SQ(Call(rate;MS(VS(foo;__name__|Equal|foo;0;-;None);3000000000));6000000000;600000000;600000000;5000;None)" },
        { "(foo + bar)[5m:]", "SQ(Paren(Bin(Add,OneToOne,ignoring[],inc[];VS(foo;__name__|Equal|foo;0;-;None);VS(bar;__name__|Equal|bar;0;-;None)));3000000000;0;0;-;None)" },
        { "foo offset 1m [5m:]", "SQ(VS(foo;__name__|Equal|foo;600000000;-;None);3000000000;0;0;-;None)" },
        { "min_over_time(rate(foo{bar=\"baz\"}[2s])[5m:5s])", "Call(min_over_time;SQ(Call(rate;MS(VS(foo;bar|Equal|baz,__name__|Equal|foo;0;-;None);20000000));3000000000;50000000;0;-;None))" },

        // Aggregations.
        { "sum by (foo)(some_metric)", "Agg(Sum;by[foo];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "avg by (foo)(some_metric)", "Agg(Avg;by[foo];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "sum (some_metric) by (foo,bar,)", "Agg(Sum;by[foo,bar];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "sum without (foo) (some_metric)", "Agg(Sum;without[foo];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "sum (some_metric) without (foo)", "Agg(Sum;without[foo];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "stddev(some_metric)", "Agg(Stddev;by[];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "stdvar by (foo)(some_metric)", "Agg(Stdvar;by[foo];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "sum by ()(some_metric)", "Agg(Sum;by[];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "sum by (\"foo.bar\")(some_metric)", "Agg(Sum;by[foo.bar];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "topk(5, some_metric)", "Agg(Topk;by[];Num(5);VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "count_values(\"value\", some_metric)", "Agg(CountValues;by[];Str(\"value\");VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "sum without(and, by, avg, count, alert, annotations)(some_metric)", "Agg(Sum;without[and,by,avg,count,alert,annotations];VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "quantile(0.9, x)", "Agg(Quantile;by[];Num(0.9);VS(x;__name__|Equal|x;0;-;None))" },
        { "bottomk by (a) (3, x)", "Agg(Bottomk;by[a];Num(3);VS(x;__name__|Equal|x;0;-;None))" },
        { "limitk(2, x)", "Agg(Limitk;by[];Num(2);VS(x;__name__|Equal|x;0;-;None))" },
        { "limit_ratio(-0.5, x)", "Agg(LimitRatio;by[];Num(-0.5);VS(x;__name__|Equal|x;0;-;None))" },
        { "group(x)", "Agg(Group;by[];VS(x;__name__|Equal|x;0;-;None))" },
        { "MAX(x)", "Agg(Max;by[];VS(x;__name__|Equal|x;0;-;None))" },

        // Calls.
        { "time()", "Call(time)" },
        { "pi()", "Call(pi)" },
        { "start()", "Call(start)" },
        { "end() - start()", "Bin(Sub;Call(end);Call(start))" },
        { "floor(some_metric{foo!=\"bar\"})", "Call(floor;VS(some_metric;foo|NotEqual|bar,__name__|Equal|some_metric;0;-;None))" },
        { "rate(some_metric[5m])", "Call(rate;MS(VS(some_metric;__name__|Equal|some_metric;0;-;None);3000000000))" },
        { "round(some_metric)", "Call(round;VS(some_metric;__name__|Equal|some_metric;0;-;None))" },
        { "round(some_metric, 5)", "Call(round;VS(some_metric;__name__|Equal|some_metric;0;-;None);Num(5))" },
        { "predict_linear(x[5m], 1h)", "Call(predict_linear;MS(VS(x;__name__|Equal|x;0;-;None);3000000000);Num(3600,dur))" },
        { "label_join(x, \"dst\", \",\", \"a\", \"b\", \"c\")", "Call(label_join;VS(x;__name__|Equal|x;0;-;None);Str(\"dst\");Str(\",\");Str(\"a\");Str(\"b\");Str(\"c\"))" },
        { "sort_by_label(x, \"a\", \"b\")", "Call(sort_by_label;VS(x;__name__|Equal|x;0;-;None);Str(\"a\");Str(\"b\"))" },
        { "histogram_quantile(0.9, sum by (le) (rate(x[5m])))", "Call(histogram_quantile;Num(0.9);Agg(Sum;by[le];Call(rate;MS(VS(x;__name__|Equal|x;0;-;None);3000000000))))" },
        { "double_exponential_smoothing(x[5m], 0.5, 0.5)", "Call(double_exponential_smoothing;MS(VS(x;__name__|Equal|x;0;-;None);3000000000);Num(0.5);Num(0.5))" },
        { "info(x, {k=\"v\"})", "Call(info;VS(x;__name__|Equal|x;0;-;None);VS(;k|Equal|v;0;-;None))" },
        { "days_in_month()", "Call(days_in_month)" },

        // Comments and whitespace.
        { "# comment\nfoo # another\n", "VS(foo;__name__|Equal|foo;0;-;None)" },
        { "sum(\n  rate(x[5m]) # per second\n)", "Agg(Sum;by[];Call(rate;MS(VS(x;__name__|Equal|x;0;-;None);3000000000)))" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ParsesToTheExpectedTree(string query, string expected)
    {
        var expr = Parser.ParseExpr(query);
        Assert.Equal(expected, PromQLTestData.Dump(expr));
    }

    public static TheoryData<string, string> Types => new()
    {
        { "1", "Scalar" },
        { "\"a\"", "String" },
        { "foo", "Vector" },
        { "foo[5m]", "Matrix" },
        { "foo[5m:1m]", "Matrix" },
        { "1 + 1", "Scalar" },
        { "foo + 1", "Vector" },
        { "scalar(foo)", "Scalar" },
        { "sum(foo)", "Vector" },
        { "-(foo)", "Vector" },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void ReportsTheValueType(string query, string type) =>
        Assert.Equal(type, Parser.ParseExpr(query).Type.ToString());

    /// <summary>Upstream parse_test.go's failing cases (input, expected message). Cases for features not implemented here are listed in <see cref="Unsupported"/>.</summary>
    public static TheoryData<string, string, int> UpstreamErrors()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var c in PromQLTestData.LoadJson("parse_error_cases.json"))
        {
            var input = c["in"].GetString()!;
            if (Unsupported.Any(u => input.Contains(u, StringComparison.Ordinal)))
            {
                continue;
            }

            data.Add(input, c["err"].GetString()!, c["start"].GetInt32());
        }

        return data;
    }

    /// <summary>
    /// Upstream cases outside this parser: experimental duration arithmetic (<c>step()</c>,
    /// <c>range()</c>, <c>[5s/0d]</c>, <c>[-1]</c>), and inputs with raw invalid UTF-8 bytes,
    /// which a .NET string cannot carry.
    /// </summary>
    private static readonly string[] Unsupported = ["step()", "[step]", "/0", "%0", "(4d/0)", "foo[-1]", "\\xff", "foo[5s x 5s]", "foo[5s s 5s]"];

    [Theory]
    [MemberData(nameof(UpstreamErrors))]
    public void RejectsWithUpstreamsMessage(string query, string message, int start)
    {
        var ex = Assert.Throws<PromQLParseException>(() => Parser.ParseExpr(query));
        Assert.Equal(message, ex.Error);
        _ = start;
    }

    public static TheoryData<string, string> MoreErrors => new()
    {
        { "foo{a=~\"(\"}", "error parsing regexp" },
        { "foo{a=~\"(?U)a\"}", "ungreedy" },
        { "foo{a=~\"(a)\\\\1\"}", "error parsing regexp" },
        { "sort_by_label(1)", "expected type instant vector in call to function \"sort_by_label\", got scalar" },
        { "label_join(x, \"a\")", "expected at least 3 argument(s) in call to \"label_join\", got 2" },
        { "round(x, 1, 2)", "expected at most 2 argument(s) in call to \"round\", got 3" },
        { "histogram_quantile(x, 0.9)", "expected type scalar in call to function \"histogram_quantile\", got instant vector" },
        { "label_replace(x, 1, \"\", \"\", \"\")", "expected type string in call to function \"label_replace\", got scalar" },
        { "sum(foo[5m])", "expected type instant vector in aggregation expression, got range vector" },
        { "foo[5m] + 1", "binary expression must contain only scalar and instant vector types" },
        { "\"a\" + 1", "binary expression must contain only scalar and instant vector types" },
        { "1 offset 5m", "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery" },
        { "foo @ 1 @ 2", "@ <timestamp> may not be set multiple times" },
        { "foo[5m] @ 1 @ 2", "@ <timestamp> may not be set multiple times" },
        { "foo[5m:] offset 1m offset 1m", "offset may not be set multiple times" },
        { "sum(x) offset 1m", "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery" },
        { "1 @ start()", "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery" },
        { "foo[5m][5m]", "ranges only allowed for vector selectors" },
        { "foo[5m:1m][5m:1m]", "subquery is only allowed on instant vector, got matrix instead" },
        { "sum(x, y)", "wrong number of arguments for aggregate expression provided, expected 1, got 2" },
        { "quantile(x)", "wrong number of arguments for aggregate expression provided, expected 2, got 1" },
        { "foo bar", "unexpected identifier \"bar\"" },
        { "foo{a=\"b\"} c", "unexpected identifier \"c\"" },
        { "rate(foo[5m]", "unclosed left parenthesis" },
        { "foo + ", "unexpected end of input" },
        { "foo[5m:0s]", "duration must be greater than 0" },
        { "foo offset", "unexpected end of input in offset, expected number, duration, step(), or range()" },
        { "foo @ bar", "unexpected identifier \"bar\" in @, expected timestamp" },
        { "a:b()", "unexpected \"(\"" },
        { "outer(inner(1))", "unknown function with name \"inner\"" },
        { "nope(1 +)", "unexpected \")\"" },
        { "{\"a.b\"}[5m] + on(\"x\") group_left(\"x\") b", "label \"x\" must not occur in ON and GROUP clause at once" },
    };

    [Theory]
    [MemberData(nameof(MoreErrors))]
    public void RejectsMalformedQueries(string query, string messagePart)
    {
        var ex = Assert.Throws<PromQLParseException>(() => Parser.ParseExpr(query));
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1+", "1:3: parse error: unexpected end of input")]
    [InlineData("foo +\n  *bar", "2:3: parse error: unexpected <op:*>")]
    [InlineData("rate(some_metric)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector")]
    [InlineData("sum(x) +", "1:9: parse error: unexpected end of input")]
    public void MessagesCarryLineAndColumn(string query, string message)
    {
        var ex = Assert.Throws<PromQLParseException>(() => Parser.ParseExpr(query));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void ExperimentalFunctionsCanBeDisabled()
    {
        var options = new ParserOptions { EnableExperimentalFunctions = false };
        Assert.Contains("is not enabled", Assert.Throws<PromQLParseException>(() => Parser.ParseExpr("sort_by_label(x, \"a\")", options)).Message, StringComparison.Ordinal);
        Assert.Contains("experimental", Assert.Throws<PromQLParseException>(() => Parser.ParseExpr("limitk(1, x)", options)).Message, StringComparison.Ordinal);
        Assert.NotNull(Parser.ParseExpr("rate(x[5m])", options));
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(100_000)]
    public void DeepNestingIsAParseErrorNotAStackOverflow(int depth)
    {
        var parens = new string('(', depth) + "1" + new string(')', depth);
        var ex = Assert.Throws<PromQLParseException>(() => Parser.ParseExpr(parens));
        Assert.Contains("nested too deeply", ex.Message, StringComparison.Ordinal);

        var unary = new string('-', depth) + "1";
        Assert.Throws<PromQLParseException>(() => Parser.ParseExpr(unary));

        var calls = string.Concat(Enumerable.Repeat("abs(", depth)) + "x" + new string(')', depth);
        Assert.Throws<PromQLParseException>(() => Parser.ParseExpr(calls));

        var aggs = string.Concat(Enumerable.Repeat("sum(", depth)) + "x" + new string(')', depth);
        Assert.Throws<PromQLParseException>(() => Parser.ParseExpr(aggs));
    }

    [Fact]
    public void NestingWithinTheLimitParses()
    {
        var parens = new string('(', 400) + "1" + new string(')', 400);
        Assert.Equal(ExprType.Scalar, Parser.ParseExpr(parens).Type);
        var pow = string.Join(" ^ ", Enumerable.Repeat("2", 300));
        Assert.IsType<BinaryExpr>(Parser.ParseExpr(pow));
        var sum = string.Join(" + ", Enumerable.Repeat("x", 450));
        Assert.IsType<BinaryExpr>(Parser.ParseExpr(sum));
    }

    [Theory]
    [InlineData(" + ")]
    [InlineData(" or ")]
    [InlineData(" ^ ")]
    public void LongOperatorChainsAreBoundedToo(string op)
    {
        var chain = string.Join(op, Enumerable.Repeat("x", 100_000));
        var ex = Assert.Throws<PromQLParseException>(() => Parser.ParseExpr(chain));
        Assert.Contains("nested too deeply", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Upstream's error positions (byte offsets, here equal to char offsets) are ours.</summary>
    [Fact]
    public void ErrorPositionsMatchUpstream()
    {
        var total = 0;
        var mismatches = new List<string>();
        foreach (var c in PromQLTestData.LoadJson("parse_error_cases.json"))
        {
            var input = c["in"].GetString()!;
            if (Unsupported.Any(u => input.Contains(u, StringComparison.Ordinal)))
            {
                continue;
            }

            total++;
            var ex = Assert.Throws<PromQLParseException>(() => Parser.ParseExpr(input));
            if (ex.Position.Start != c["start"].GetInt32())
            {
                mismatches.Add($"{input}: upstream {c["start"].GetInt32()}, ours {ex.Position.Start} ({ex.Error})");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {total} positions differ:\n" + string.Join('\n', mismatches));
    }

    [Fact]
    public void NodePositionsCoverTheirText()
    {
        const string q = "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m] offset 1m))";
        var agg = Assert.IsType<AggregateExpr>(Parser.ParseExpr(q));
        Assert.Equal(new PositionRange(0, q.Length), agg.Position);
        var call = Assert.IsType<CallExpr>(agg.Expr);
        Assert.Equal("rate(http_requests_total{code=~\"5..\"}[5m] offset 1m)", q[call.Position.Start..call.Position.End]);
        var ms = Assert.IsType<MatrixSelector>(call.Args[0]);
        Assert.Equal("http_requests_total{code=~\"5..\"}[5m] offset 1m", q[ms.Position.Start..ms.Position.End]);
    }

    [Fact]
    public void MetricSelectorParsing()
    {
        var matchers = Parser.ParseMetricSelector("up{job=\"api\"}");
        Assert.Equal(2, matchers.Count);
        Assert.Contains(matchers, m => m.Name == "__name__" && m.Value == "up");
        Assert.Throws<PromQLParseException>(() => Parser.ParseMetricSelector("{}"));
        Assert.Throws<PromQLParseException>(() => Parser.ParseMetricSelector("up + 1"));
        Assert.Throws<PromQLParseException>(() => Parser.ParseMetricSelector("sum(up)"));
    }

    [Fact]
    public void InvalidUtf8EscapesSurviveAsByteStandIns()
    {
        var s = Assert.IsType<StringLiteral>(Parser.ParseExpr("\"a\\xc5z\""));
        Assert.False(StringLiterals.IsValidUtf8(s.Value));
        Assert.Equal("\"a\\xc5z\"", s.ToString());
        var ok = Assert.IsType<StringLiteral>(Parser.ParseExpr("\"\\xc3\\xa9\""));
        Assert.Equal("é", ok.Value);
    }

    [Fact]
    public void FunctionTableMatchesUpstreamsSignatures()
    {
        Assert.Equal(90, PromQLFunctions.All.Count);
        Assert.True(PromQLFunctions.TryGet("label_join", out var lj));
        Assert.Equal(-1, lj.Variadic);
        Assert.True(PromQLFunctions.TryGet("histogram_quantiles", out var hq));
        Assert.Equal(9, hq.Variadic);
        Assert.True(hq.Experimental);
        Assert.True(PromQLFunctions.TryGet("rate", out var rate));
        Assert.Equal([ExprType.Matrix], rate.ArgTypes);
        Assert.False(PromQLFunctions.TryGet("Rate", out _));
        _ = LabelMatcher.Equal("a", "b");
    }
}
