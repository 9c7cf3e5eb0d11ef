namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// Finds the programs the tests run as real peers: an explicit environment variable
/// first, then known locations (e.g. the repository's <c>.tools</c> folder), then PATH
/// and the usual system directories. A missing program throws
/// <see cref="MissingToolException"/> naming the command that installs it, so a test
/// that needs it fails with that message instead of being skipped.
/// </summary>
public static class ToolLocator
{
    private const string SolutionFile = "Serverless.Monitoring.sln";

    private static readonly string[] SystemDirectories = ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The directory that holds Serverless.Monitoring.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The full path of <paramref name="tool"/>, or a <see cref="MissingToolException"/>.</summary>
    /// <param name="tool">The program's file name, e.g. <c>prometheus</c>.</param>
    /// <param name="installHint">How to install it, e.g. <c>./test.sh (as root) or apt-get install prometheus</c>.</param>
    /// <param name="environmentVariable">A variable that, when set, must name the program's path.</param>
    /// <param name="candidates">Paths to try before PATH.</param>
    public static string Find(
        string tool,
        string installHint,
        string? environmentVariable = null,
        IEnumerable<string>? candidates = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tool);
        ArgumentException.ThrowIfNullOrEmpty(installHint);

        if (environmentVariable is not null)
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(environmentVariable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                if (IsExecutableFile(fromEnvironment))
                {
                    return Path.GetFullPath(fromEnvironment);
                }

                throw new MissingToolException(
                    $"{tool}: {environmentVariable}={fromEnvironment} is not an executable file. " +
                    $"Install it with: {installHint}");
            }
        }

        var looked = new List<string>();
        foreach (var candidate in candidates ?? [])
        {
            looked.Add(candidate);
            if (IsExecutableFile(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        var pathDirectories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var directory in pathDirectories.Concat(SystemDirectories).Distinct(StringComparer.Ordinal))
        {
            var candidate = Path.Combine(directory, tool);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        looked.Add($"PATH and {string.Join(", ", SystemDirectories)}");
        var environmentNote = environmentVariable is null ? string.Empty : $"{environmentVariable} is not set; ";
        throw new MissingToolException(
            $"{tool} is not installed ({environmentNote}looked in {string.Join("; ", looked)}). " +
            $"Install it with: {installHint}");
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {SolutionFile} above {AppContext.BaseDirectory}: the tests must run from the repository's build output.");
    }
}
