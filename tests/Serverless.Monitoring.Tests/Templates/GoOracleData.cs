using System.Text.Json;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Tests.Templates;

/// <summary>
/// The data and functions the Go reference results were produced with (Data/go-text-template.json:
/// Go 1.19's text/template and fmt, run by a throwaway program over the same values), built here
/// from the engine's value model.
/// </summary>
internal static class GoOracleData
{
    public static readonly GoType InnerType = new("main.Inner", GoKind.Struct);
    public static readonly GoType InnerPointerType = new("*main.Inner", GoKind.Pointer, InnerType);
    public static readonly GoType DataType = new("main.Data", GoKind.Struct);
    public static readonly GoType IntSliceType = new("[]int", GoKind.Slice, GoType.Int);
    public static readonly GoType FuncType = new("func(string) string", GoKind.Func);

    public static TemplateFunctionTable Functions { get; } = TemplateFunctionTable.Builtins.With(
    [
        new("strfn", [GoType.GoString], null, static (_, a) => "<" + (string)a[0]! + ">"),
        new("intfn", [GoType.Int], null, static (_, a) => (long)a[0]! * 2),
        new("floatfn", [GoType.Float64], null, static (_, a) => (double)a[0]! / 2),
        new("errfn", [], null, static (_, _) => throw new TemplateFunctionException("boom")),
        new("typeof", [GoType.Any], null, static (_, a) => GoFmt.Sprintf("%T", a[0])),
        new("variadic", [GoType.GoString], GoType.Int, static (_, a) => GoFmt.Sprint(a[0], GoSlice.Of(IntSliceType, a[1..].ToArray()))),
        new("strs", [], null, static (_, _) => GoSlice.OfStrings(["x", "y"])),
    ]);

    public static GoValue Data(double value) => new TestStruct(
        DataType,
        ("Labels", GoMap.FromStrings(new Dictionary<string, string> { ["job"] = "node", ["instance"] = "host-1:9100", ["__name__"] = "up", ["zone"] = "eu-west" })),
        ("Value", value),
        ("Strings", GoSlice.OfStrings(["b", "a", "c"])),
        ("Ints", GoSlice.Of(IntSliceType, [3L, 1L, 2L])),
        ("Empty", GoSlice.OfStrings([])),
        ("Map", GoMap.FromValues(new Dictionary<string, object?> { ["a"] = 1L, ["b"] = "x", ["c"] = null, ["d"] = GoSlice.OfStrings(["p", "q"]), ["é"] = 2.5 })),
        ("Struct", new TestStruct(InnerType, ("Name", "in"), ("Count", 2L))),
        ("Ptr", new TestStruct(InnerPointerType, ("Name", "ptr"), ("Count", 3L))),
        ("Nil", GoMap.Nil(GoType.StringMap)),
        ("True", true),
        ("Upper", new GoFunc(FuncType, new TemplateFunction("Upper", [GoType.GoString], null, static (_, a) => GoText.ToUpper((string)a[0]!)))),
        ("Text", "héllo <b>&'\""));

    public sealed record Case(string Name, string Text, string? MissingKey, string? ValueBits, string Output, string? ParseError, string? ExecError)
    {
        public override string ToString() => Text.Length > 80 ? Text[..80] : Text;
    }

    public static IReadOnlyList<Case> Load(string resource)
    {
        using var stream = typeof(GoOracleData).Assembly.GetManifestResourceStream("Templates.Data." + resource)
            ?? throw new InvalidOperationException($"missing resource {resource}");
        using var doc = JsonDocument.Parse(stream);
        var cases = new List<Case>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            string? Get(string name) => e.TryGetProperty(name, out var p) ? p.GetString() : null;
            // Where Go changed since 1.19 (the Go Prometheus 3 is built with), the newer behaviour is the expectation.
            var source = e.TryGetProperty("go_modern", out var modern) ? modern : e;
            string? Expect(string name) => source.TryGetProperty(name, out var p) ? p.GetString() : null;
            cases.Add(new Case(Get("name")!, Get("text")!, Get("missingkey"), Get("value_bits"), Expect("output") ?? string.Empty, Expect("parse_error"), Expect("exec_error")));
        }

        return cases;
    }

    public static MissingKeyOption MissingKey(string? option) => option switch
    {
        "zero" => MissingKeyOption.Zero,
        "error" => MissingKeyOption.Error,
        _ => MissingKeyOption.Invalid,
    };

    /// <summary>A struct (or pointer to one) with fixed fields, for tests.</summary>
    public sealed class TestStruct(GoType type, params (string Name, object? Value)[] fields) : GoStruct
    {
        private readonly string[] _names = [.. fields.Select(f => f.Name)];

        public override GoType Type { get; } = type;

        public override IReadOnlyList<string> FieldNames => _names;

        public override object? GetField(int index) => fields[index].Value;
    }
}
