namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// A remote-write body (snappy block, then protobuf <c>prometheus.WriteRequest</c>) is malformed.
/// <see cref="Exception.Message"/> says what is wrong and, for protobuf errors, at which byte
/// of the uncompressed message (<see cref="Offset"/>).
/// </summary>
public sealed class RemoteWriteFormatException : FormatException
{
    public RemoteWriteFormatException()
    {
    }

    public RemoteWriteFormatException(string message)
        : base(message)
    {
    }

    public RemoteWriteFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A protobuf error at byte <paramref name="offset"/> of the uncompressed message.</summary>
    public RemoteWriteFormatException(string reason, int offset)
        : base($"invalid remote-write protobuf at byte {offset}: {reason}")
    {
        Offset = offset;
    }

    /// <summary>Where in the uncompressed protobuf the problem was found; -1 when not a protobuf error.</summary>
    public int Offset { get; } = -1;
}
