namespace Serverless.Monitoring.Core.Config;

/// <summary>Which go-yaml version's behaviour and wording a file gets (see <see cref="YamlDocumentLoader"/>).</summary>
internal enum YamlDialect
{
    /// <summary><c>gopkg.in/yaml.v2</c>, as upstream's <c>config.Load</c>: a single document.</summary>
    GoYamlV2,

    /// <summary><c>go.yaml.in/yaml/v3</c>, as upstream's <c>rulefmt.Parse</c>: the first document only.</summary>
    GoYamlV3,
}
