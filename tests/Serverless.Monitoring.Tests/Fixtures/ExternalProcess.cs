using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// A program the tests run as a real peer: started with an argument list, its stdout
/// and stderr kept in a <see cref="BoundedOutput"/> that failure messages show, waited
/// for until a readiness check passes, and killed with its whole process tree (by PID)
/// on dispose. Processes still running when the test host exits are killed too.
/// </summary>
public sealed class ExternalProcess : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<int, ExternalProcess> Running = new();

    private readonly Process _process;
    private readonly BoundedOutput _output;
    private readonly string _commandLine;
    private int _disposed;

    static ExternalProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                process.Dispose();
            }
        };
    }

    private ExternalProcess(string name, Process process, BoundedOutput output, string commandLine)
    {
        Name = name;
        _process = process;
        _output = output;
        _commandLine = commandLine;
        Id = process.Id;
    }

    /// <summary>A short name for messages, e.g. <c>prometheus</c>.</summary>
    public string Name { get; }

    /// <summary>The process ID.</summary>
    public int Id { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited, else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines of stdout and stderr (stderr lines start with "stderr| ").</summary>
    public string Output => _output.ToString();

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/>; stdin is closed at once.
    /// <paramref name="environment"/> adds to this process's variables; a null value removes one.
    /// </summary>
    public static ExternalProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        int outputLimit = 64 * 1024)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(arguments);

        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var commandLine = string.Join(' ', startInfo.ArgumentList.Prepend(fileName));
        var output = new BoundedOutput(outputLimit);
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.AppendLine("stderr| " + e.Data);
            }
        };

        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"{name}: cannot start {commandLine}: {e.Message}", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var started = new ExternalProcess(name, process, output, commandLine);
        Running[started.Id] = started;
        return started;
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true. Throws, with the process's
    /// output in the message, when the process exits first or <paramref name="timeout"/> passes.
    /// A probe that throws a network error, or does not finish within 2 s, counts as not ready.
    /// </summary>
    public Task WaitUntilReadyAsync(
        string what,
        Func<CancellationToken, Task<bool>> probe,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return PollAsync(
            what,
            async token => await probe(token) ? null : "the check did not pass",
            timeout,
            cancellationToken);
    }

    /// <summary>Waits until a GET of <paramref name="uri"/> answers with a 2xx status.</summary>
    public Task WaitForHttpAsync(Uri uri, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return WaitForHttpCoreAsync(uri, timeout, cancellationToken);
    }

    /// <summary>Waits until every one of <paramref name="ports"/> on 127.0.0.1 accepts a TCP connection.</summary>
    public Task WaitForTcpAsync(IEnumerable<int> ports, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var pending = ports.ToList();
        return PollAsync(
            $"TCP connect to 127.0.0.1 port(s) {string.Join(", ", pending)}",
            async token =>
            {
                while (pending.Count > 0)
                {
                    using var client = new TcpClient(AddressFamily.InterNetwork);
                    await client.ConnectAsync(IPAddress.Loopback, pending[0], token);
                    pending.RemoveAt(0);
                }

                return null;
            },
            timeout,
            cancellationToken);
    }

    /// <summary>
    /// Waits for the process to exit by itself (with its output read to the end) and returns its
    /// exit code, or null when <paramref name="timeout"/> passes first; it is left running then.
    /// </summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A description of the process with its recent output, for failure messages.</summary>
    public string Describe(string problem) =>
        $"{Name} (pid {Id}) {problem}.\nCommand: {_commandLine}\n--- last output of {Name} ---\n{Output}--- end of output ---";

    /// <summary>Kills the process and its whole tree and waits for it to exit.</summary>
    public void Dispose()
    {
        if (!BeginDispose())
        {
            return;
        }

        try
        {
            _process.WaitForExit(ExitTimeout);
        }
        catch (InvalidOperationException)
        {
            // Not started or already disposed.
        }

        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!BeginDispose())
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(ExitTimeout))
        {
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Left to the kernel: SIGKILL was sent.
            }
            catch (InvalidOperationException)
            {
            }
        }

        _process.Dispose();
    }

    private async Task WaitForHttpCoreAsync(Uri uri, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = LoopbackHttp.CreateClient(ProbeTimeout);
        await PollAsync(
            $"GET {uri} answers 2xx",
            async token =>
            {
                using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, token);
                return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            },
            timeout,
            cancellationToken);
    }

    /// <summary>The polling loop: <paramref name="probe"/> returns null when ready, else why not.</summary>
    private async Task PollAsync(
        string what,
        Func<CancellationToken, Task<string?>> probe,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? lastError = null;
        while (true)
        {
            if (_process.HasExited)
            {
                await DrainOutputAsync();
                throw new InvalidOperationException(
                    Describe($"exited with code {_process.ExitCode} before it was ready ({what})"));
            }

            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attempt.CancelAfter(ProbeTimeout);
                try
                {
                    lastError = await probe(attempt.Token);
                    if (lastError is null)
                    {
                        return;
                    }
                }
                catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
                {
                    lastError = $"{e.GetType().Name}: {e.Message}";
                }
            }

            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException(
                    Describe($"was not ready within {timeout.TotalSeconds:0.#} s ({what}); last check: {lastError}"));
            }

            await Task.Delay(ProbeInterval, cancellationToken);
        }
    }

    /// <summary>After exit: lets the output readers take in the last lines (briefly: a child may hold the pipes).</summary>
    private async Task DrainOutputAsync()
    {
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool BeginDispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        Running.TryRemove(Id, out _);
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        catch (Win32Exception)
        {
            // Some process in the tree could not be killed (e.g. it is exiting already).
        }

        return true;
    }

    private static bool IsTransient(Exception e) =>
        e is HttpRequestException or SocketException or IOException or OperationCanceledException;
}
