using System.Net;
using System.Net.Sockets;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// Free TCP ports on the loopback interface, found by binding 127.0.0.1:0 and asking
/// the kernel which port it chose. Another process could take a port between this
/// call and its use; the window is short and the ports come from the ephemeral range.
/// </summary>
public static class FreePort
{
    /// <summary>One free loopback port.</summary>
    public static int Get() => Get(1)[0];

    /// <summary>
    /// <paramref name="count"/> distinct free loopback ports: every socket stays bound
    /// until all ports are known, so the kernel cannot hand out the same one twice.
    /// </summary>
    public static int[] Get(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var listeners = new List<TcpListener>(count);
        try
        {
            var ports = new int[count];
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
                ports[i] = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            return ports;
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
