using System.Diagnostics;
using System.Text;
using Serverless.Monitoring.Core.Hashing;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Hashing;

public sealed class BcryptTests
{
    /// <summary>jBCrypt's (OpenBSD-derived) published vectors: password, full hash.</summary>
    public static TheoryData<string, string> PublishedVectors => new()
    {
        { "", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s." },
        { "", "$2a$08$HqWuK6/Ng6sg9gQzbLrgb.Tl.ZHfXLhvt/SgVyWhQqgqcZ7ZuUtye" },
        { "a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe" },
        { "a", "$2a$10$k87L/MF28Q673VKh8/cPi.SUl7MU/rWuSiIDDFayrKk/1tBsSQu4u" },
        { "abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i" },
        { "abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC" },
        { "~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO" },
    };

    /// <summary>
    /// Written by libxcrypt's crypt(3) (Python's crypt module) with fixed salts: UTF-8, the
    /// 72-byte limit (73 and 200 bytes hash alike), every minor version.
    /// </summary>
    public static TheoryData<string, string> LibxcryptVectors => new()
    {
        { "password", "$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm" },
        { "pässwörd ✓", "$2b$05$0123456789./ABCDEFGHI.gr.NnJklDsS1jjppRtcg6FpJXKXPzGi" },
        { new string('x', 71), "$2y$04$KLMNOPQRSTUVWXYZabcdee3qDEceqCD.lYzNRm5J5CzLrUmGYLpuy" },
        { new string('y', 72), "$2a$04$ijklmnopqrstuvwxyz012.nnROfvqPNMZ09GFojIiZET1yyh5/Sla" },
        { new string('z', 73), "$2b$04$ijklmnopqrstuvwxyz012.TIuf2GUv2I2IV8dyFsEIcy0rIHOmOTy" },
        { new string('z', 200), "$2b$04$ijklmnopqrstuvwxyz012.TIuf2GUv2I2IV8dyFsEIcy0rIHOmOTy" },
        { "secret", "$2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy" },
    };

    [Theory]
    [MemberData(nameof(PublishedVectors))]
    [MemberData(nameof(LibxcryptVectors))]
    public void Verifies_reference_hashes_and_rejects_other_passwords(string password, string hash)
    {
        Assert.True(Bcrypt.Verify(Encoding.UTF8.GetBytes(password), hash));
        Assert.False(Bcrypt.Verify(Encoding.UTF8.GetBytes("!" + password), hash));
        if (password.Length is > 0 and <= 71)
        {
            // Within bcrypt's 72 bytes every byte counts, the last one too.
            Assert.False(Bcrypt.Verify(Encoding.UTF8.GetBytes(password[..^1]), hash));
            Assert.False(Bcrypt.Verify(Encoding.UTF8.GetBytes(password + "!"), hash));
        }
    }

    [Theory]
    [MemberData(nameof(PublishedVectors))]
    [MemberData(nameof(LibxcryptVectors))]
    public void Hashing_with_the_reference_salt_gives_the_reference_hash(string password, string hash)
    {
        var salt = DecodeSalt(hash.AsSpan(7, 22));
        var ours = Bcrypt.Hash(Encoding.UTF8.GetBytes(password), Bcrypt.Cost(hash), salt, hash[2]);

        // The 22nd salt character carries 4 unused bits that implementations may set; the rest must agree.
        Assert.Equal(hash[..28], ours[..28]);
        Assert.Equal(hash[29..], ours[29..]);
    }

    [Fact]
    public void A_fresh_hash_verifies_and_differs_each_time()
    {
        var password = "correct horse battery staple"u8;
        var first = Bcrypt.Hash(password, 4);
        var second = Bcrypt.Hash(password, 4);
        Assert.StartsWith("$2b$04$", first, StringComparison.Ordinal);
        Assert.Equal(Bcrypt.HashLength, first.Length);
        Assert.NotEqual(first, second);
        Assert.True(Bcrypt.Verify(password, first));
        Assert.True(Bcrypt.Verify(password, second));
        Assert.False(Bcrypt.Verify("correct horse battery stapl"u8, first));
    }

    /// <summary>Apache's htpasswd (apr's bcrypt, <c>$2y$</c>) as an independent implementation, random salts.</summary>
    [Theory]
    [InlineData("hunter2")]
    [InlineData("with spaces and: colons")]
    [InlineData("ünïcödé ✓ 密码")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345")]
    public async Task Verifies_what_htpasswd_writes(string password)
    {
        var htpasswd = ToolLocator.Find("htpasswd", "./test.sh (as root), or: apt-get install apache2-utils");
        var startInfo = new ProcessStartInfo(htpasswd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-nbBC", "5", "user", password })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        var hash = output.Trim()["user:".Length..];
        Assert.StartsWith("$2y$05$", hash, StringComparison.Ordinal);

        Assert.True(Bcrypt.Verify(Encoding.UTF8.GetBytes(password), hash));
        Assert.False(Bcrypt.Verify(Encoding.UTF8.GetBytes("x" + password), hash));
    }

    [Theory]
    [InlineData("", "crypto/bcrypt: hashedSecret too short to be a bcrypted password")]
    [InlineData("plain-text-password", "crypto/bcrypt: hashedSecret too short to be a bcrypted password")]
    [InlineData("x2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy", "bcrypt hashes must start with '$', but hashedSecret started with 'x'")]
    [InlineData("$3y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy", "version '3' requested is newer than current version '2'")]
    [InlineData("$2x$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy", "it must start with $2a$, $2b$ or $2y$")]
    [InlineData("$2y$03$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy", "crypto/bcrypt: cost 3 is outside allowed inclusive range 4..31")]
    [InlineData("$2y$32$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy", "crypto/bcrypt: cost 32 is outside allowed inclusive range 4..31")]
    [InlineData("$2y$1x$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy", "the cost must be two digits")]
    [InlineData("$2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUf", "it must be 60 characters long")]
    [InlineData("$2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfyy", "it must be 60 characters long")]
    [InlineData("$2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUf+", "bcrypt's base64 alphabet")]
    public void Malformed_hashes_are_rejected_with_a_reason_and_never_match(string hash, string reason)
    {
        Assert.False(Bcrypt.IsValidHash(hash, out var actual));
        Assert.Contains(reason, actual, StringComparison.Ordinal);
        Assert.False(Bcrypt.Verify("secret"u8, hash));
    }

    private static byte[] DecodeSalt(ReadOnlySpan<char> text)
    {
        const string alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var bits = new StringBuilder();
        foreach (var c in text)
        {
            bits.Append(Convert.ToString(alphabet.IndexOf(c, StringComparison.Ordinal), 2).PadLeft(6, '0'));
        }

        var salt = new byte[16];
        for (var i = 0; i < salt.Length; i++)
        {
            salt[i] = Convert.ToByte(bits.ToString(8 * i, 8), 2);
        }

        return salt;
    }
}
