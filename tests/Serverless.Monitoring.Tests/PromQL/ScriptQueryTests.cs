using Serverless.Monitoring.Core.PromQL;
using Xunit.Abstractions;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>Every query in Prometheus's .test scripts through the parser.</summary>
public class ScriptQueryTests(ITestOutputHelper output)
{
    private static readonly Lazy<List<PromQLTestData.ScriptQuery>> Queries = new(PromQLTestData.ScriptQueries);

    [Fact]
    public void EveryQueryParsesUnlessTheScriptExpectsAFailure()
    {
        var parsed = 0;
        var parseFailures = new List<string>();
        var expectFailAtParse = new List<string>();
        var expectFailAtEval = new List<string>();
        foreach (var q in Queries.Value)
        {
            PromQLParseException? error = null;
            try
            {
                Parser.ParseExpr(q.Query);
            }
            catch (PromQLParseException ex)
            {
                error = ex;
            }

            var where = $"{q.File}:{q.Line}: {q.Query}";
            if (q.ExpectFail)
            {
                (error is null ? expectFailAtEval : expectFailAtParse).Add(error is null ? where : $"{where} => {error.Message}");
            }
            else if (error is null)
            {
                parsed++;
            }
            else
            {
                parseFailures.Add($"{where} => {error.Message}");
            }
        }

        output.WriteLine($"{Queries.Value.Count} eval queries: {parsed} parse and are expected to; {expectFailAtParse.Count} expect-fail cases fail at parse time; {expectFailAtEval.Count} expect-fail cases parse (evaluation-time failures); {parseFailures.Count} unexpected parse failures");
        foreach (var f in expectFailAtParse)
        {
            output.WriteLine("parse-time expect fail: " + f);
        }

        foreach (var f in expectFailAtEval)
        {
            output.WriteLine("evaluation-time expect fail: " + f);
        }

        foreach (var f in parseFailures)
        {
            output.WriteLine("UNEXPECTED: " + f);
        }

        Assert.True(Queries.Value.Count > 1500, $"only {Queries.Value.Count} queries found");
        Assert.Empty(parseFailures);
    }

    [Fact]
    public void PrintingAndReparsingGivesTheSameTree()
    {
        var mismatches = new List<string>();
        var count = 0;
        foreach (var q in Queries.Value)
        {
            if (!Parser.TryParseExpr(q.Query, out var expr, out _))
            {
                continue;
            }

            count++;
            foreach (var printed in new[] { Printer.Format(expr!), Printer.Pretty(expr!), Printer.Pretty(expr!, 10) })
            {
                var again = Parser.ParseExpr(printed);
                if (PromQLTestData.Dump(again, sortMatchers: true) != PromQLTestData.Dump(expr!, sortMatchers: true) || Printer.Format(again) != Printer.Format(expr!))
                {
                    mismatches.Add($"{q.File}:{q.Line}: {q.Query} -> {printed}\n  {PromQLTestData.Dump(expr!)}\n  {PromQLTestData.Dump(again)}");
                }
            }
        }

        output.WriteLine($"{count} queries round-tripped three ways");
        foreach (var m in mismatches)
        {
            output.WriteLine("MISMATCH: " + m);
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public void MutatedQueriesNeverThrowAnythingButParseErrors()
    {
        const string alphabet = "()[]{}\"'`,:@#+-*/%^=!~<> \n0123456789.eExabcdefghijklmnopqrstuvwxyz_\\";
        var random = new Random(20240601);
        var parsed = 0;
        var rejected = 0;
        foreach (var q in Queries.Value)
        {
            for (var i = 0; i < 25; i++)
            {
                var chars = q.Query.ToList();
                var edits = 1 + random.Next(3);
                for (var e = 0; e < edits; e++)
                {
                    var pos = chars.Count == 0 ? 0 : random.Next(chars.Count);
                    switch (random.Next(5))
                    {
                        case 0 when chars.Count > 0:
                            chars.RemoveAt(pos);
                            break;
                        case 1:
                            chars.Insert(pos, alphabet[random.Next(alphabet.Length)]);
                            break;
                        case 2 when chars.Count > 0:
                            chars[pos] = alphabet[random.Next(alphabet.Length)];
                            break;
                        case 3 when chars.Count > 1:
                            var other = random.Next(chars.Count);
                            (chars[pos], chars[other]) = (chars[other], chars[pos]);
                            break;
                        default:
                            chars.RemoveRange(pos, chars.Count - pos);
                            break;
                    }
                }

                var mutated = new string(chars.ToArray());
                try
                {
                    var expr = Parser.ParseExpr(mutated);
                    _ = Printer.Pretty(expr);
                    Parser.ParseExpr(Printer.Format(expr));
                    parsed++;
                }
                catch (PromQLParseException)
                {
                    rejected++;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"{ex.GetType().Name} for {mutated}: {ex}");
                }
            }
        }

        output.WriteLine($"mutations: {parsed} parsed, {rejected} rejected");
    }
}
