using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// Loads a YAML text into the <see cref="ConfigNode"/> tree every configuration file is decoded
/// from, with errors in the words of the go-yaml version upstream decodes that file with:
/// <c>prometheus.yml</c> and its companions use go-yaml v2 (one document; a key set twice is
/// <c>field x already set</c>), rule files use go-yaml v3 (later documents ignored; a key set twice
/// is <c>mapping key "x" already defined at line N</c>).
/// </summary>
internal static class YamlDocumentLoader
{
    public static ConfigNode Load(string fileName, string yaml, YamlDialect dialect = YamlDialect.GoYamlV2)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            var message = StripMark(ex.Message);
            if (message.StartsWith("Duplicate key ", StringComparison.Ordinal))
            {
                var key = message["Duplicate key ".Length..];
                var (path, firstLine) = YamlPathFinder.DuplicateKeyAt(yaml, ex.Start);
                var reason = dialect == YamlDialect.GoYamlV3 && firstLine > 0
                    ? $"mapping key {ConfigParser.GoQuote(key)} already defined at line {firstLine}"
                    : $"field {key} already set";
                throw new ConfigException(fileName, ex.Start.Line, ex.Start.Column, path ?? key, reason, ex);
            }

            throw new ConfigException(fileName, ex.Start.Line, ex.Start.Column, string.Empty, "yaml: " + message, ex);
        }

        if (stream.Documents.Count > 1 && dialect == YamlDialect.GoYamlV2)
        {
            throw new ConfigException(fileName, stream.Documents[1].RootNode.Start.Line, 0, string.Empty, "yaml: expected a single document");
        }

        return new ConfigNode(fileName, stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, string.Empty);
    }

    // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (…): "; the exception already names the place.
    private static string StripMark(string message)
    {
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && i > 0 ? message[(i + 3)..] : message;
    }
}
