using System.Buffers;
using System.IO.Hashing;
using Serverless.Monitoring.Core.Hashing;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// The writer's output: forwards bytes to a stream or buffer writer while keeping the position,
/// the running CRC32C of the current section and, until <see cref="StopHashing"/>, the two
/// hashes a content-derived block ID is made from.
/// </summary>
internal sealed class BlockSink
{
    private readonly Stream? _stream;
    private readonly IBufferWriter<byte>? _writer;
    private readonly XxHash64 _first;
    private readonly XxHash64 _second;
    private bool _hashing = true;
    private long _sectionStart;
    private uint _sectionCrc;

    public BlockSink(Stream stream)
        : this()
    {
        _stream = stream;
    }

    public BlockSink(IBufferWriter<byte> writer)
        : this()
    {
        _writer = writer;
    }

    private BlockSink()
    {
        (_first, _second) = BlockId.CreateHashers();
    }

    public long Position { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        if (_stream is not null)
        {
            _stream.Write(bytes);
        }
        else
        {
            _writer!.Write(bytes);
        }

        _sectionCrc = Crc32C.Append(_sectionCrc, bytes);
        if (_hashing)
        {
            _first.Append(bytes);
            _second.Append(bytes);
        }

        Position += bytes.Length;
    }

    /// <summary>Starts a section here.</summary>
    public void BeginSection()
    {
        _sectionStart = Position;
        _sectionCrc = 0;
    }

    /// <summary>The section since <see cref="BeginSection"/>.</summary>
    public SectionRef EndSection() => new(_sectionStart, Position - _sectionStart, _sectionCrc);

    /// <summary>Adds bytes to the ID hashes only.</summary>
    public void HashOnly(ReadOnlySpan<byte> bytes)
    {
        _first.Append(bytes);
        _second.Append(bytes);
    }

    /// <summary>Ends hashing and returns the two hashes.</summary>
    public (ulong First, ulong Second) StopHashing()
    {
        _hashing = false;
        return (_first.GetCurrentHashAsUInt64(), _second.GetCurrentHashAsUInt64());
    }
}
