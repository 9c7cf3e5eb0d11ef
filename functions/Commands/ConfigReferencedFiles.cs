using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Discovery;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// The files a <c>prometheus.yml</c> refers to, checked as <c>promtool check config</c> does
/// (unless <c>--syntax-only</c>): a scrape config's credentials, client certificate and key files
/// must exist; each <c>file_sd_configs</c> file that exists must parse, one that does not is a
/// warning (it may be written later).
/// </summary>
internal static class ConfigReferencedFiles
{
    /// <summary>Writes the warnings to <paramref name="output"/>; throws <see cref="ConfigException"/> for the first problem.</summary>
    public static void Check(string configPath, PrometheusConfig config, Func<string, string> asNamed, TextWriter output)
    {
        foreach (var scrape in config.ScrapeConfigs)
        {
            var http = scrape.Http;
            if (http.Authorization is { CredentialsFile.Length: > 0 } authorization)
            {
                MustExist(configPath, authorization.CredentialsFile, "error checking authorization credentials or bearer token file", asNamed);
            }

            MustExist(configPath, http.Tls.CertFile, "error checking client cert file", asNamed);
            MustExist(configPath, http.Tls.KeyFile, "error checking client key file", asNamed);
            CheckFileSd(configPath, scrape.FileSdConfigs, $"in scrape job \"{scrape.JobName}\"", asNamed, output);
        }

        foreach (var alertmanager in config.Alerting.Alertmanagers)
        {
            CheckFileSd(configPath, alertmanager.FileSdConfigs, "in alertmanager config", asNamed, output);
        }
    }

    private static void MustExist(string configPath, string file, string what, Func<string, string> asNamed)
    {
        if (file.Length > 0 && !File.Exists(file) && !Directory.Exists(file))
        {
            var named = asNamed(file);
            throw new ConfigException(configPath, 0, 0, string.Empty, $"{what} \"{named}\": stat {named}: no such file or directory");
        }
    }

    private static void CheckFileSd(string configPath, IReadOnlyList<FileSdConfig> configs, string owner, Func<string, string> asNamed, TextWriter output)
    {
        foreach (var pattern in configs.SelectMany(c => c.Files))
        {
            IReadOnlyList<string> files;
            try
            {
                files = FilePathGlob.Expand(pattern);
            }
            catch (FormatException ex)
            {
                throw new ConfigException(configPath, 0, 0, string.Empty, ex.Message, ex);
            }

            if (files.Count == 0)
            {
                output.WriteLine($"  WARNING: file \"{asNamed(pattern)}\" for file_sd {owner} does not exist");
                continue;
            }

            foreach (var file in files)
            {
                try
                {
                    FileSdReader.ReadFile(file);
                }
                catch (Exception ex) when (ex is ConfigException or IOException or UnauthorizedAccessException)
                {
                    throw new ConfigException(configPath, 0, 0, string.Empty, $"checking SD file \"{asNamed(pattern)}\": {ex.Message}", ex);
                }
            }
        }
    }
}
