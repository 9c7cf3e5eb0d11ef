using System.Runtime.InteropServices;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>
/// link(2): gives a file a second name, failing atomically when that name exists, which makes it
/// an exactly-one-wins create-only publish, also across processes. .NET has no API for it, and
/// File.Move(overwrite: false) checks then renames (a race) when the target is missing.
/// </summary>
internal static partial class HardLink
{
    private const int ENOENT = 2;
    private const int EEXIST = 17; // the same on Linux and macOS

    public enum Result
    {
        Created,
        TargetExists,
        DirectoryMissing,

        /// <summary>No hard links here (platform or file system) or another error: use File.Move.</summary>
        Unsupported,
    }

    public static Result TryCreate(string existingPath, string newPath)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return Result.Unsupported;
        }

        try
        {
            if (Link(existingPath, newPath) == 0)
            {
                return Result.Created;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return Result.Unsupported;
        }

        return Marshal.GetLastPInvokeError() switch
        {
            EEXIST => Result.TargetExists,
            ENOENT => Result.DirectoryMissing,
            _ => Result.Unsupported,
        };
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Link(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string existingPath,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
