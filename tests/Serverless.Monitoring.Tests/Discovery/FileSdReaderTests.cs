using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Discovery;

public sealed class FileSdReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new("sm-filesd-");

    [Fact]
    public void Json_groups_get_source_and_filepath()
    {
        var path = Write("a.json",
            """
            [
              {"targets": ["10.0.0.1:9100", "10.0.0.2:9100"], "labels": {"env": "prod", "team": "x"}},
              {"targets": ["10.0.0.3:9100"]}
            ]
            """);

        var groups = FileSdReader.ReadFile(path);

        Assert.Equal(2, groups.Count);
        Assert.Equal(["10.0.0.1:9100", "10.0.0.2:9100"], groups[0].Addresses);
        Assert.Equal(LabelSet.FromStrings("env", "prod", "team", "x", "__meta_filepath", path), groups[0].Labels);
        Assert.Equal($"{path}:0", groups[0].Source);
        Assert.Equal(["10.0.0.3:9100"], groups[1].Addresses);
        Assert.Equal(LabelSet.FromStrings("__meta_filepath", path), groups[1].Labels);
        Assert.Equal($"{path}:1", groups[1].Source);
    }

    [Theory]
    [InlineData("b.yml")]
    [InlineData("b.YAML")]
    public void Yaml_groups_parse_the_same(string name)
    {
        var path = Write(name,
            """
            - targets: [10.0.0.1:9100]
              labels:
                env: prod
            - targets:
                - 10.0.0.2:9100
            """);

        var groups = FileSdReader.ReadFile(path);

        Assert.Equal(2, groups.Count);
        Assert.Equal(["10.0.0.1:9100"], groups[0].Addresses);
        Assert.Equal("prod", groups[0].Labels.Get("env"));
        Assert.Equal(path, groups[1].Labels.Get("__meta_filepath"));
    }

    [Theory]
    [InlineData("bad.json", "[{\"targets\": [\"a:1\"], \"lables\": {}}]", "json: unknown field \"lables\"")]
    [InlineData("bad.json", "[null]", "nil target group item found")]
    [InlineData("bad.json", "[{\"targets\": [1]}]", "cannot unmarshal number")]
    [InlineData("bad.json", "{\"targets\": []}", "cannot unmarshal object")]
    [InlineData("bad.json", "[{\"targets\": [\"a:1\"]", "")]
    [InlineData("bad.yml", "- targets: [a:1]\n  lables: {}\n", "field lables not found in type targetgroup.Group")]
    [InlineData("bad.yml", "- targets: [a:1]\n-\n", "nil target group item found")]
    public void Malformed_files_are_errors_naming_the_file(string name, string content, string reason)
    {
        var path = Write(name, content);
        var ex = Assert.Throws<ConfigException>(() => FileSdReader.ReadFile(path));
        Assert.Equal(path, ex.FileName);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Globs_match_in_the_last_path_element()
    {
        Write("t1.json", "[]");
        Write("t2.json", "[]");
        Write("t3.yml", "[]");
        Directory.CreateDirectory(_dir.Combine("sub"));
        Write("sub/t4.json", "[]");

        var files = FileSdReader.ListFiles([_dir.Combine("*.json"), _dir.Combine("t3.yml"), _dir.Combine("missing/*.json")]);

        Assert.Equal([_dir.Combine("t1.json"), _dir.Combine("t2.json"), _dir.Combine("t3.yml")], files);
    }

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string content)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }
}
