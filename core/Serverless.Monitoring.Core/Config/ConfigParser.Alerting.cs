namespace Serverless.Monitoring.Core.Config;

internal sealed partial class ConfigParser
{
    private AlertingConfig ParseAlerting(ConfigNode node, GlobalConfig global)
    {
        var alerting = AlertingConfig.Default;
        node.Fields("config.AlertingConfig", (key, v) =>
        {
            switch (key)
            {
                case "alert_relabel_configs":
                    alerting = alerting with
                    {
                        AlertRelabelConfigs = ValidateRelabelConfigs(ParseRelabelConfigs(v, "empty or null alert relabeling rule"), global.MetricNameValidationScheme),
                    };
                    return true;
                case "alertmanagers":
                    alerting = alerting with { Alertmanagers = v.List("config.AlertmanagerConfigs", n => ParseAlertmanager(n, global)) };
                    return true;
                default:
                    return false;
            }
        });
        return alerting;
    }

    private AlertmanagerConfig ParseAlertmanager(ConfigNode node, GlobalConfig global)
    {
        const string type = "config.AlertmanagerConfig";
        var c = new AlertmanagerConfig();
        var http = new HttpClientFields(this, HttpClientConfig.Default);
        var discovery = new DiscoveryFields(this);
        List<(Relabeling.RelabelConfig, ConfigNode)> relabel = [], alertRelabel = [];
        node.Fields(type, (key, v) =>
        {
            switch (key)
            {
                case "scheme": c = c with { Scheme = v.String() }; return true;
                case "path_prefix": c = c with { PathPrefix = v.String() }; return true;
                case "timeout": c = c with { Timeout = v.Duration() }; return true;
                case "api_version":
                    var version = v.String();
                    c = c with { ApiVersion = version == "v2" ? version : throw v.Error($"expected Alertmanager api version to be one of [v2] but got {version}") };
                    return true;
                case "relabel_configs": relabel = ParseRelabelConfigs(v, "empty or null Alertmanager target relabeling rule"); return true;
                case "alert_relabel_configs": alertRelabel = ParseRelabelConfigs(v, "empty or null Alertmanager alert relabeling rule"); return true;
                case "sigv4": throw v.Error($"field sigv4 is not supported yet (type {type})");
                default: return http.TryField(key, v, type) || discovery.TryField(key, v, type);
            }
        });

        var (statics, files, https) = discovery.Build(checkStaticTargets: relabel.Count == 0);
        return c with
        {
            Http = http.Build(node),
            StaticConfigs = statics,
            FileSdConfigs = files,
            HttpSdConfigs = https,
            RelabelConfigs = ValidateRelabelConfigs(relabel, global.MetricNameValidationScheme),
            AlertRelabelConfigs = ValidateRelabelConfigs(alertRelabel, global.MetricNameValidationScheme),
        };
    }
}
