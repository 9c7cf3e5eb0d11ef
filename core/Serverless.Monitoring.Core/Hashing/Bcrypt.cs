using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Serverless.Monitoring.Core.Hashing;

/// <summary>
/// bcrypt password hashes (Provos and Mazières, "A Future-Adaptable Password Scheme", 1999) in the
/// modular crypt format <c>$2b$10$</c> + 22 characters of salt + 31 of hash, as htpasswd -B,
/// OpenBSD and Go's x/crypto/bcrypt write them. <c>$2a$</c>, <c>$2b$</c> and <c>$2y$</c> are the same
/// algorithm here, as in Go: the password and a NUL, cut at 72 bytes, keys EksBlowfish.
/// </summary>
public static class Bcrypt
{
    public const int MinCost = 4;
    public const int MaxCost = 31;

    /// <summary>Length of a hash string: <c>$2b$NN$</c> (7) + salt (22) + hash (31).</summary>
    public const int HashLength = 60;

    private const int SaltBytes = 16;
    private const int SaltChars = 22;
    private const int HashBytes = 23;
    private const int HashChars = 31;
    private const int MaxKeyBytes = 72;

    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // "OrpheanBeholderScryDoubt", the text that bcrypt encrypts 64 times.
    private static ReadOnlySpan<byte> MagicText => "OrpheanBeholderScryDoubt"u8;

    /// <summary>
    /// Checks that <paramref name="hash"/> is a bcrypt hash this class can verify; the reason is in
    /// Go's words where Go has them (Prometheus checks users' hashes with Go's bcrypt).
    /// The reason never repeats the hash.
    /// </summary>
    public static bool IsValidHash(string hash, out string reason) => TryParse(hash, out _, out reason);

    /// <summary>The cost (log2 of the rounds) of a valid hash.</summary>
    public static int Cost(string hash) =>
        TryParse(hash, out var parsed, out var reason) ? parsed.Cost : throw new FormatException(reason);

    /// <summary>
    /// True when <paramref name="password"/> (its UTF-8 bytes) matches <paramref name="hash"/>. A
    /// malformed hash never matches. The comparison takes the same time wherever the hashes differ.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> password, string hash)
    {
        if (!TryParse(hash, out var parsed, out _))
        {
            return false;
        }

        Span<byte> computed = stackalloc byte[HashChars];
        ComputeEncoded(password, parsed.Salt, parsed.Cost, computed);
        Span<byte> expected = stackalloc byte[HashChars];
        for (var i = 0; i < HashChars; i++)
        {
            expected[i] = (byte)hash[HashLength - HashChars + i];
        }

        return CryptographicOperations.FixedTimeEquals(computed, expected);
    }

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt, as <c>$2b$</c>.</summary>
    public static string Hash(ReadOnlySpan<byte> password, int cost)
    {
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        return Hash(password, cost, salt);
    }

    /// <summary>Hashes <paramref name="password"/> with the given 16-byte salt, as <c>$2b$</c> (or another minor version).</summary>
    public static string Hash(ReadOnlySpan<byte> password, int cost, ReadOnlySpan<byte> salt, char minor = 'b')
    {
        if (cost is < MinCost or > MaxCost)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), cost, $"bcrypt cost must be from {MinCost} to {MaxCost}");
        }

        if (salt.Length != SaltBytes)
        {
            throw new ArgumentException($"bcrypt salt must be {SaltBytes} bytes", nameof(salt));
        }

        if (minor is not ('a' or 'b' or 'y'))
        {
            throw new ArgumentOutOfRangeException(nameof(minor), minor, "bcrypt minor version must be a, b or y");
        }

        Span<byte> text = stackalloc byte[HashLength];
        text[0] = (byte)'$';
        text[1] = (byte)'2';
        text[2] = (byte)minor;
        text[3] = (byte)'$';
        text[4] = (byte)('0' + (cost / 10));
        text[5] = (byte)('0' + (cost % 10));
        text[6] = (byte)'$';
        Encode(salt, text.Slice(7, SaltChars));
        ComputeEncoded(password, salt, cost, text[(7 + SaltChars)..]);
        return System.Text.Encoding.ASCII.GetString(text);
    }

    private static bool TryParse(string hash, out ParsedHash parsed, out string reason)
    {
        parsed = default;
        if (hash is null || hash.Length < HashLength - 1)
        {
            reason = "crypto/bcrypt: hashedSecret too short to be a bcrypted password";
            return false;
        }

        if (hash[0] != '$')
        {
            reason = $"crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '{hash[0]}'";
            return false;
        }

        if (hash[1] > '2')
        {
            reason = $"crypto/bcrypt: bcrypt algorithm version '{hash[1]}' requested is newer than current version '2'";
            return false;
        }

        if (hash[1] != '2' || hash[2] is not ('a' or 'b' or 'y') || hash[3] != '$')
        {
            reason = "not a bcrypt hash: it must start with $2a$, $2b$ or $2y$";
            return false;
        }

        if (hash.Length < 7 || !char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5]) || hash[6] != '$')
        {
            reason = "not a bcrypt hash: the cost must be two digits between '$'";
            return false;
        }

        var cost = ((hash[4] - '0') * 10) + (hash[5] - '0');
        if (cost is < MinCost or > MaxCost)
        {
            reason = $"crypto/bcrypt: cost {cost} is outside allowed inclusive range {MinCost}..{MaxCost}";
            return false;
        }

        if (hash.Length != HashLength)
        {
            reason = $"not a bcrypt hash: it must be {HashLength} characters long";
            return false;
        }

        for (var i = 7; i < HashLength; i++)
        {
            if (Alphabet.IndexOf(hash[i], StringComparison.Ordinal) < 0)
            {
                reason = "not a bcrypt hash: salt and hash must be in bcrypt's base64 alphabet (./A-Za-z0-9)";
                return false;
            }
        }

        var salt = new byte[SaltBytes];
        Decode(hash.AsSpan(7, SaltChars), salt);
        parsed = new ParsedHash(cost, salt);
        reason = string.Empty;
        return true;
    }

    /// <summary>Runs EksBlowfish and writes the 23-byte result as 31 characters.</summary>
    private static void ComputeEncoded(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int cost, Span<byte> destination)
    {
        // The key is the password with its terminating NUL, at most 72 bytes.
        var keyLength = Math.Min(password.Length + 1, MaxKeyBytes);
        Span<byte> key = stackalloc byte[MaxKeyBytes];
        key.Clear();
        password[..Math.Min(password.Length, keyLength)].CopyTo(key);
        key = key[..keyLength];

        Span<byte> raw = stackalloc byte[MagicText.Length];
        try
        {
            var state = new EksBlowfish();
            state.Setup(cost, salt, key);
            state.EncryptMagic(raw);
            Encode(raw[..HashBytes], destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>bcrypt's base64: its own alphabet, most significant bits first, no padding.</summary>
    private static void Encode(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var o = 0;
        for (var i = 0; i < data.Length; i += 3)
        {
            var c1 = data[i];
            destination[o++] = (byte)Alphabet[c1 >> 2];
            var bits = (c1 & 0x03) << 4;
            if (i + 1 >= data.Length)
            {
                destination[o++] = (byte)Alphabet[bits];
                break;
            }

            var c2 = data[i + 1];
            destination[o++] = (byte)Alphabet[bits | (c2 >> 4)];
            bits = (c2 & 0x0F) << 2;
            if (i + 2 >= data.Length)
            {
                destination[o++] = (byte)Alphabet[bits];
                break;
            }

            var c3 = data[i + 2];
            destination[o++] = (byte)Alphabet[bits | (c3 >> 6)];
            destination[o++] = (byte)Alphabet[c3 & 0x3F];
        }
    }

    /// <summary>Decodes exactly <paramref name="destination"/>.Length bytes (characters already checked).</summary>
    private static void Decode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        var accumulator = 0;
        var bits = 0;
        var o = 0;
        foreach (var c in text)
        {
            accumulator = (accumulator << 6) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                destination[o++] = (byte)(accumulator >> bits);
                accumulator &= (1 << bits) - 1;
                if (o == destination.Length)
                {
                    return;
                }
            }
        }
    }

    private readonly record struct ParsedHash(int Cost, byte[] Salt);

    /// <summary>Blowfish with bcrypt's expensive key schedule.</summary>
    private sealed class EksBlowfish
    {
        private readonly uint[] _p = BlowfishConstants.P.ToArray();
        private readonly uint[] _s = BlowfishConstants.S.ToArray();

        public void Setup(int cost, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> key)
        {
            ExpandKey(key, salt);
            var rounds = 1L << cost;
            for (var i = 0L; i < rounds; i++)
            {
                ExpandKey(key, []);
                ExpandKey(salt, []);
            }
        }

        public void EncryptMagic(Span<byte> destination)
        {
            Span<uint> text = stackalloc uint[6];
            for (var i = 0; i < text.Length; i++)
            {
                text[i] = BinaryPrimitives.ReadUInt32BigEndian(MagicText[(4 * i)..]);
            }

            for (var round = 0; round < 64; round++)
            {
                for (var i = 0; i < text.Length; i += 2)
                {
                    Encrypt(ref text[i], ref text[i + 1]);
                }
            }

            for (var i = 0; i < text.Length; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(destination[(4 * i)..], text[i]);
            }

            text.Clear();
        }

        /// <summary>
        /// The key schedule: XOR the key into the P-array, then replace P and S with successive
        /// encryptions, XORing the salt into each block first (an empty salt is Blowfish's own schedule).
        /// </summary>
        private void ExpandKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
        {
            var p = _p;
            var s = _s;
            var keyPosition = 0;
            for (var i = 0; i < p.Length; i++)
            {
                p[i] ^= StreamWord(key, ref keyPosition);
            }

            uint left = 0, right = 0;
            var saltPosition = 0;
            for (var i = 0; i < p.Length; i += 2)
            {
                if (!salt.IsEmpty)
                {
                    left ^= StreamWord(salt, ref saltPosition);
                    right ^= StreamWord(salt, ref saltPosition);
                }

                Encrypt(ref left, ref right);
                p[i] = left;
                p[i + 1] = right;
            }

            for (var i = 0; i < s.Length; i += 2)
            {
                if (!salt.IsEmpty)
                {
                    left ^= StreamWord(salt, ref saltPosition);
                    right ^= StreamWord(salt, ref saltPosition);
                }

                Encrypt(ref left, ref right);
                s[i] = left;
                s[i + 1] = right;
            }
        }

        private void Encrypt(ref uint left, ref uint right)
        {
            var p = _p;
            var s = _s;
            var l = left;
            var r = right;
            for (var i = 0; i < 16; i += 2)
            {
                l ^= p[i];
                r ^= ((s[(int)(l >> 24)] + s[256 + (int)((l >> 16) & 0xFF)]) ^ s[512 + (int)((l >> 8) & 0xFF)]) + s[768 + (int)(l & 0xFF)];
                r ^= p[i + 1];
                l ^= ((s[(int)(r >> 24)] + s[256 + (int)((r >> 16) & 0xFF)]) ^ s[512 + (int)((r >> 8) & 0xFF)]) + s[768 + (int)(r & 0xFF)];
            }

            left = r ^ p[17];
            right = l ^ p[16];
        }

        /// <summary>The next four bytes of <paramref name="data"/>, big-endian, wrapping around.</summary>
        private static uint StreamWord(ReadOnlySpan<byte> data, ref int position)
        {
            uint word = 0;
            for (var i = 0; i < 4; i++)
            {
                word = (word << 8) | data[position];
                position = position + 1 == data.Length ? 0 : position + 1;
            }

            return word;
        }
    }
}
