using System.Runtime.InteropServices;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>
/// SIGHUP for reloads, also when the server was started with it ignored (<c>nohup</c>, some service
/// managers): .NET keeps an inherited SIG_IGN and never calls the handler, while Prometheus (Go's
/// signal.Notify) takes the signal over. So the disposition is reset to the default first.
/// </summary>
internal static class HangupSignal
{
    private const int SIGHUP = 1;
    private static readonly nint SigDfl = 0;

    public static PosixSignalRegistration? Register(Action<PosixSignalContext> handler)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }

        Signal(SIGHUP, SigDfl);
        return PosixSignalRegistration.Create(PosixSignal.SIGHUP, handler);
    }

    [DllImport("libc", EntryPoint = "signal")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint Signal(int signum, nint handler);
}
