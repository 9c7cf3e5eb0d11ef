using Azure.Core;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

public sealed class AzureStorageConnectionTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void Account_connection_string_derives_the_service_endpoints()
    {
        var c = AzureStorageConnection.Parse($"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={Key};EndpointSuffix=core.windows.net");
        Assert.Equal("acct", c.AccountName);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), c.BlobEndpoint);
        Assert.Equal(new Uri("https://acct.table.core.windows.net"), c.TableEndpoint);
        Assert.Equal(new Uri("https://acct.queue.core.windows.net"), c.QueueEndpoint);
        Assert.True(c.UsesAccountKey);
        Assert.Null(c.Credential);
    }

    [Fact]
    public void Names_are_case_insensitive_defaults_apply_and_stray_semicolons_are_harmless()
    {
        var c = AzureStorageConnection.Parse($" accountname = acct ;;ACCOUNTKEY={Key};endpointsuffix=core.chinacloudapi.cn;");
        Assert.Equal(new Uri("https://acct.blob.core.chinacloudapi.cn"), c.BlobEndpoint);

        var http = AzureStorageConnection.Parse($"DefaultEndpointsProtocol=http;AccountName=acct;AccountKey={Key}");
        Assert.Equal(new Uri("http://acct.queue.core.windows.net"), http.QueueEndpoint);
    }

    [Fact]
    public void Explicit_endpoints_win_and_portal_extras_are_ignored()
    {
        var c = AzureStorageConnection.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            "BlobEndpoint=http://127.0.0.1:21000/devstoreaccount1/;QueueEndpoint=http://127.0.0.1:21001/devstoreaccount1;" +
            "TableEndpoint=http://127.0.0.1:21002/devstoreaccount1;FileEndpoint=http://127.0.0.1:21003/devstoreaccount1");
        Assert.Equal("http://127.0.0.1:21000/devstoreaccount1", c.BlobEndpoint.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:21001/devstoreaccount1", c.QueueEndpoint.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:21002/devstoreaccount1", c.TableEndpoint.AbsoluteUri);
    }

    [Fact]
    public void UseDevelopmentStorage_expands_to_the_azurite_defaults()
    {
        var c = AzureStorageConnection.Parse("UseDevelopmentStorage=true");
        Assert.Equal("devstoreaccount1", c.AccountName);
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", c.BlobEndpoint.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1", c.QueueEndpoint.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1", c.TableEndpoint.AbsoluteUri);
        Assert.True(c.UsesAccountKey);
        Assert.True(c.AccountKey.SequenceEqual(Convert.FromBase64String(Key)));
        Assert.Equal("devstoreaccount1", AzureStorageConnection.Parse("usedevelopmentstorage=TRUE;").AccountName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData(";;", "no settings")]
    [InlineData("AccountName=acct;garbage", "segment 2 has no '='")]
    [InlineData("=x;AccountName=acct", "segment 1 has an empty setting name")]
    [InlineData("AccountKey=" + Key, "AccountName is missing")]
    [InlineData("AccountName=acct", "AccountKey is missing")]
    [InlineData("AccountName=acct;AccountKey=", "AccountKey is missing")]
    [InlineData("AccountName=acct;AccountKey=not*base64!", "AccountKey is not valid base64")]
    [InlineData("AccountName=acct;AccountName=other;AccountKey=" + Key, "AccountName appears more than once")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol must be 'http' or 'https'")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";EndpointSuffix=https://x", "EndpointSuffix must be a DNS suffix")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";BlobEndpoint=127.0.0.1:10000", "BlobEndpoint '127.0.0.1:10000' is not an absolute http or https URI")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";TableEndpoint=ftp://x/y", "TableEndpoint 'ftp://x/y' is not an absolute")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";AcountKey=x", "unknown setting 'AcountKey'")]
    [InlineData("AccountName=acct;SharedAccessSignature=sv=2020&sig=abc", "SharedAccessSignature connection strings are not supported")]
    [InlineData("UseDevelopmentStorage=false", "UseDevelopmentStorage must be 'true'")]
    [InlineData("UseDevelopmentStorage=true;AccountName=x", "UseDevelopmentStorage=true cannot be combined with AccountName")]
    [InlineData("AccountName=my acct;AccountKey=" + Key, "contains characters that are not allowed")]
    public void Malformed_strings_throw_FormatException_saying_what_is_wrong(string connectionString, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => AzureStorageConnection.Parse(connectionString));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid Azure Storage connection string", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..20], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_and_ToString_never_echo_the_key()
    {
        // A key pasted without its name splits at its trailing '=' into a long "name": not echoed.
        var ex = Assert.Throws<FormatException>(() => AzureStorageConnection.Parse($"AccountName=acct;{Key}"));
        Assert.DoesNotContain(Key[..20], ex.Message, StringComparison.Ordinal);
        Assert.Contains("unrecognized setting name", ex.Message, StringComparison.Ordinal);

        var badKey = "c2VjcmV0LWtleS12YWx1ZQ=*=";
        var ex2 = Assert.Throws<FormatException>(() => AzureStorageConnection.Parse($"AccountName=acct;AccountKey={badKey}"));
        Assert.DoesNotContain(badKey, ex2.Message, StringComparison.Ordinal);

        var text = AzureStorageConnection.Parse($"AccountName=acct;AccountKey={Key}").ToString();
        Assert.DoesNotContain(Key[..20], text, StringComparison.Ordinal);
        Assert.Contains("AccountName=acct", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountName=acct AccountKey=" + Key)]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";DefaultEndpointsProtocol=https AccountKey=" + Key)]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";EndpointSuffix=core.windows.net AccountKey=" + Key)]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";BlobEndpoint=https://acct.blob.core.windows.net/?sv=2022-11-02&sig=c2VjcmV0")]
    [InlineData("UseDevelopmentStorage=true AccountKey=" + Key)]
    public void A_value_that_may_hold_a_secret_is_not_quoted(string connectionString)
    {
        var ex = Assert.Throws<FormatException>(() => AzureStorageConnection.Parse(connectionString));
        Assert.Contains("(value not shown)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..20], ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_gives_the_problem_without_the_prefix()
    {
        Assert.False(AzureStorageConnection.TryParse("AccountName=acct;AccountKey=not*base64!", out var connection, out var problem));
        Assert.Null(connection);
        Assert.Equal("AccountKey is not valid base64.", problem);

        Assert.True(AzureStorageConnection.TryParse("UseDevelopmentStorage=true", out connection, out problem));
        Assert.Equal("devstoreaccount1", connection.AccountName);
        Assert.Null(problem);
    }

    [Fact]
    public void Null_is_an_argument_error() =>
        Assert.Throws<ArgumentNullException>(() => AzureStorageConnection.Parse(null!));

    [Fact]
    public void Service_uris_with_a_token_credential()
    {
        var credential = new FakeCredential();
        var c = AzureStorageConnection.FromServiceUris(new Uri("https://acct.blob.core.windows.net/"),
            new Uri("https://acct.table.core.windows.net"), new Uri("https://acct.queue.core.windows.net"), credential);
        Assert.Equal("acct", c.AccountName);
        Assert.False(c.UsesAccountKey);
        Assert.Same(credential, c.Credential);
        Assert.Equal("https://acct.blob.core.windows.net", c.BlobEndpoint.AbsoluteUri.TrimEnd('/'));

        Assert.Throws<ArgumentException>(() => AzureStorageConnection.FromServiceUris(new Uri("http://acct.blob.core.windows.net"),
            new Uri("https://acct.table.core.windows.net"), new Uri("https://acct.queue.core.windows.net"), credential));
        var provider = AzureStorageProvider.FromServiceUris(new Uri("https://acct.blob.core.windows.net"),
            new Uri("https://acct.table.core.windows.net"), new Uri("https://acct.queue.core.windows.net"), credential);
        Assert.Equal("cont", provider.GetBlobStore("cont").Container);
    }

    private sealed class FakeCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
