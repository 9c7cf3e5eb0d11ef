using Serverless.Monitoring.Functions.Adapters.AzureStorage;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

/// <summary>
/// String-to-sign vectors built by hand from the layout in
/// https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key; the signatures were
/// computed independently with `openssl dgst -sha256 -mac HMAC` over the same bytes with Azurite's public key.
/// </summary>
public sealed class SharedKeyCredentialPolicyTests
{
    private static readonly byte[] AzuriteKey = Convert.FromBase64String(
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");

    [Fact]
    public void Blob_string_to_sign_matches_the_documented_layout_and_signature()
    {
        var headers = new Dictionary<string, string>
        {
            ["x-ms-date"] = "Fri, 26 Jun 2015 23:39:12 GMT",
            ["X-MS-Version"] = "2015-02-21",
            ["Accept"] = "application/xml", // Not signed.
        };
        var sts = SharedKeyCredentialPolicy.BuildBlobStringToSign("GET", headers, 0,
            new Uri("https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata&timeout=20"), "myaccount");

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-version:2015-02-21\n" +
            "/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20",
            sts);
        Assert.Equal("1u9lui2jDxj0+fpbHjQ5m5NnastJRSYM+PSmfi8TXx4=", SharedKeyCredentialPolicy.Sign(sts, AzuriteKey));
    }

    [Fact]
    public void Azurite_path_style_resource_repeats_the_account_and_keeps_the_path_escaped()
    {
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "text/plain; charset=UTF-8",
            ["If-None-Match"] = "*",
            ["x-ms-version"] = "2024-11-04",
            ["x-ms-blob-type"] = "BlockBlob",
            ["x-ms-date"] = "Sun, 11 Oct 2009 21:49:13 GMT",
        };
        var sts = SharedKeyCredentialPolicy.BuildBlobStringToSign("PUT", headers, 11,
            new Uri("http://127.0.0.1:10000/devstoreaccount1/c/it%27s%20a%20%C3%BC"), "devstoreaccount1");

        Assert.Equal(
            "PUT\n\n\n11\n\ntext/plain; charset=UTF-8\n\n\n\n*\n\n\n" +
            "x-ms-blob-type:BlockBlob\nx-ms-date:Sun, 11 Oct 2009 21:49:13 GMT\nx-ms-version:2024-11-04\n" +
            "/devstoreaccount1/devstoreaccount1/c/it%27s%20a%20%C3%BC",
            sts);
        Assert.Equal("0c4NqmNgJw5UAZNAj0PNkAMu4SJTXS8VH2qYFPjI0eA=", SharedKeyCredentialPolicy.Sign(sts, AzuriteKey));
    }

    [Fact]
    public void Query_parameters_are_lowercased_sorted_decoded_and_multi_values_joined()
    {
        // The documentation's List Blobs example with repeated include parameters.
        var sts = SharedKeyCredentialPolicy.BuildBlobStringToSign("GET", new Dictionary<string, string>(), 0,
            new Uri("https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=list&include=snapshots&include=metadata&include=uncommittedblobs&Prefix=a%20b%2Fc"),
            "myaccount");
        Assert.EndsWith("/myaccount/mycontainer\ncomp:list\ninclude:metadata,snapshots,uncommittedblobs\nprefix:a b/c\nrestype:container", sts,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Root_path_is_a_slash()
    {
        var sts = SharedKeyCredentialPolicy.BuildBlobStringToSign("GET", new Dictionary<string, string>(), 0,
            new Uri("https://myaccount.queue.core.windows.net/?comp=list"), "myaccount");
        Assert.EndsWith("\n/myaccount/\ncomp:list", sts, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_string_to_sign_uses_the_date_and_only_the_comp_parameter()
    {
        var headers = new Dictionary<string, string>
        {
            ["x-ms-date"] = "Sun, 11 Oct 2009 19:52:39 GMT",
            ["x-ms-version"] = "2024-11-04", // Table Shared Key signs no x-ms-* headers.
            ["Accept"] = "application/json;odata=minimalmetadata",
        };
        var sts = SharedKeyCredentialPolicy.BuildTableStringToSign("GET", headers,
            new Uri("https://myaccount.table.core.windows.net/mytable()?$filter=PartitionKey%20eq%20%27a%27&$top=5"), "myaccount");
        Assert.Equal("GET\n\n\nSun, 11 Oct 2009 19:52:39 GMT\n/myaccount/mytable()", sts);
        Assert.Equal("s7xq7rLLP15XaLbVcy/RyVVwW7gOAVI0QFF264ebIbw=", SharedKeyCredentialPolicy.Sign(sts, AzuriteKey));

        var withComp = SharedKeyCredentialPolicy.BuildTableStringToSign("GET", headers,
            new Uri("http://127.0.0.1:10002/devstoreaccount1/mytable?comp=acl&timeout=3"), "devstoreaccount1");
        Assert.EndsWith("\n/devstoreaccount1/devstoreaccount1/mytable?comp=acl", withComp, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_key_is_refused() =>
        Assert.Throws<ArgumentException>(() => new SharedKeyCredentialPolicy("acct", ReadOnlySpan<byte>.Empty, SharedKeyService.Table));
}
