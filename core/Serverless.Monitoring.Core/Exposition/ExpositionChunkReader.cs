namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// Feeds a payload of any size (an OpenMetrics file to import, gigabytes long) from a stream to
/// a parser in pieces that end at line boundaries, reusing one buffer:
/// <code>
/// var reader = new ExpositionChunkReader(stream, parser);
/// while (await reader.ReadChunkAsync(cancellationToken))
/// {
///     while (parser.Next() != ExpositionEntry.Eof) { ... }
/// }
/// </code>
/// Spans from the parser are valid until the next <see cref="ReadChunkAsync"/>. A line longer
/// than the buffer grows it. A quoted string with a raw newline in it (legal only in the text
/// format's label values and in quoted names) must not straddle two pieces; for such input use
/// a buffer larger than the payload.
/// </summary>
public sealed class ExpositionChunkReader
{
    private readonly Stream _stream;
    private readonly ExpositionParser _parser;
    private byte[] _buffer;
    private int _carried;
    private int _carriedStart;
    private bool _started;
    private bool _done;

    public ExpositionChunkReader(Stream stream, ExpositionParser parser, int bufferSize = 4 << 20)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 16);
        _stream = stream;
        _parser = parser;
        _buffer = new byte[bufferSize];
    }

    /// <summary>Bytes handed to the parser so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Reads the next piece and points the parser at it; false once the last piece has been
    /// handed over. The first call starts the parser on a new payload.
    /// </summary>
    public async ValueTask<bool> ReadChunkAsync(CancellationToken cancellationToken = default)
    {
        if (_done)
        {
            return false;
        }

        // Keep the partial line after the previous piece.
        if (_carried > 0 && _carriedStart > 0)
        {
            Buffer.BlockCopy(_buffer, _carriedStart, _buffer, 0, _carried);
        }

        var length = _carried;
        var scanFrom = 0;
        while (true)
        {
            var read = length < _buffer.Length
                ? await _stream.ReadAsync(_buffer.AsMemory(length), cancellationToken)
                : 0;
            length += read;
            var endOfStream = read == 0 && length < _buffer.Length;
            if (endOfStream)
            {
                Hand(length, length, isFinal: true);
                _done = true;
                return true;
            }

            if (length == _buffer.Length)
            {
                var newline = _buffer.AsSpan(scanFrom, length - scanFrom).LastIndexOf((byte)'\n');
                if (newline >= 0)
                {
                    Hand(length, scanFrom + newline + 1, isFinal: false);
                    return true;
                }

                // One line fills the buffer: make room and read on.
                scanFrom = length;
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }
    }

    private void Hand(int length, int pieceLength, bool isFinal)
    {
        var piece = _buffer.AsMemory(0, pieceLength);
        if (_started)
        {
            _parser.ContinueWith(piece, isFinal);
        }
        else
        {
            _started = true;
            _parser.Begin(piece, isFinal);
        }

        BytesRead += pieceLength;
        _carriedStart = pieceLength;
        _carried = length - pieceLength;
    }
}
