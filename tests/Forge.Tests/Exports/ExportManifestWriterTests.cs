using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Shared.Exports;
using static Forge.Tests.Exports.ExportSamples;

namespace Forge.Tests.Exports;

public sealed class ExportManifestWriterTests
{
    private static readonly ExportManifestHeader Header = new(
        ExportId: Guid.Parse("5b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a06"),
        DatasetId: Guid.Parse("6b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a07"),
        ExportVersion: 3,
        Format: ExportFormats.Jsonl,
        Schema: ExportSchemas.Dpo,
        CreatedAt: new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc),
        FiltersApplied: new JsonObject { ["review_status"] = new JsonArray("approved", "edited"), ["min_quality_score"] = 0.7 },
        Template: ExportManifestTemplate.Of(Guid.Parse("3b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a04"), "Cláusulas", SystemPrompt),
        Generators: ["openai", "extractive"]);

    [Fact]
    public async Task ManifestHasTheHeaderTheItemsAndTheTrailerInOrder()
    {
        var output = new MemoryStream();
        await using (var manifest = ExportManifestWriter.Start(output, Header))
        {
            await manifest.AddItemAsync(Portuguese.Id, new string('a', 64), CancellationToken.None);
            await manifest.AddItemAsync(English.Id, new string('b', 64), CancellationToken.None);
            var skipped = new Dictionary<string, long> { ["zeta_reason"] = 1, [ExportSkipReasons.NoBadResponse] = 4 };
            await manifest.CompleteAsync(skipped, new ExportManifestFile("datasets/d/exports/3/items.jsonl", 1234, new string('c', 64)), CancellationToken.None);
        }

        var json = JsonNode.Parse(output.ToArray())!.AsObject();
        json.Select(pair => pair.Key).Should().Equal(
            "export_id", "dataset_id", "export_version", "format", "schema", "created_at", "filters_applied", "template",
            "generators", "items", "item_count", "skipped", "file");
        json["export_id"]!.GetValue<string>().Should().Be("5b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a06");
        json["dataset_id"]!.GetValue<string>().Should().Be("6b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a07");
        json["export_version"]!.GetValue<int>().Should().Be(3);
        json["format"]!.GetValue<string>().Should().Be("jsonl");
        json["schema"]!.GetValue<string>().Should().Be("dpo");
        json["created_at"]!.GetValue<string>().Should().Be("2026-11-22T12:00:00Z");
        json["filters_applied"]!.ToJsonString().Should().Be("""{"review_status":["approved","edited"],"min_quality_score":0.7}""");
        json["template"]!["id"]!.GetValue<string>().Should().Be("3b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a04");
        json["template"]!["name"]!.GetValue<string>().Should().Be("Cláusulas");
        json["template"]!["system_prompt_sha256"]!.GetValue<string>().Should().Be(Sha256(SystemPrompt));
        System.Text.Encoding.UTF8.GetString(output.ToArray()).Should().Contain("\"Cláusulas\"");
        json["generators"]!.AsArray().Select(node => node!.GetValue<string>()).Should().Equal("openai", "extractive");
        json["items"]!.ToJsonString().Should().Be(
            $$"""[{"id":"{{Portuguese.Id}}","content_hash":"{{new string('a', 64)}}"},{"id":"{{English.Id}}","content_hash":"{{new string('b', 64)}}"}]""");
        json["item_count"]!.GetValue<long>().Should().Be(2);
        json["skipped"]!.ToJsonString().Should().Be("""{"no_bad_response":4,"zeta_reason":1}""");
        json["file"]!.ToJsonString().Should().Be($$"""{"key":"datasets/d/exports/3/items.jsonl","bytes":1234,"sha256":"{{new string('c', 64)}}"}""");
    }

    [Fact]
    public async Task ManifestOfAnExportListsExactlyItsWrittenItems()
    {
        var file = new MemoryStream();
        var output = new MemoryStream();
        await using var writer = ExportFileWriter.Create(file, ExportFormats.Jsonl, ExportSchemas.Dpo, SystemPrompt);
        await using var manifest = ExportManifestWriter.Start(output, Header);
        foreach (var item in Both)
        {
            if (await writer.WriteAsync(item, CancellationToken.None) is { IsWritten: true } result)
            {
                await manifest.AddItemAsync(item.Id, result.ContentHash!, CancellationToken.None);
            }
        }
        await writer.CompleteAsync(CancellationToken.None);
        await manifest.CompleteAsync(writer.Skipped, new ExportManifestFile("k", writer.BytesWritten, writer.FileSha256), CancellationToken.None);

        var json = JsonNode.Parse(output.ToArray())!;
        var line = file.ToArray()[..^1];
        json["items"]!.ToJsonString().Should().Be($$"""[{"id":"{{Portuguese.Id}}","content_hash":"{{Sha256(line)}}"}]""");
        json["skipped"]!.ToJsonString().Should().Be("""{"no_bad_response":1}""");
        json["file"]!["bytes"]!.GetValue<long>().Should().Be(file.Length);
        json["file"]!["sha256"]!.GetValue<string>().Should().Be(Sha256(file.ToArray()));
    }

    [Fact]
    public async Task ExportWithoutTemplateHasANullTemplate()
    {
        var output = new MemoryStream();
        await using var manifest = ExportManifestWriter.Start(output, Header with { Template = null, Generators = [] });
        await manifest.CompleteAsync(new Dictionary<string, long>(), new ExportManifestFile("k", 0, new string('0', 64)), CancellationToken.None);

        using var document = JsonDocument.Parse(output.ToArray());
        document.RootElement.GetProperty("template").ValueKind.Should().Be(JsonValueKind.Null);
        document.RootElement.GetProperty("items").GetArrayLength().Should().Be(0);
        document.RootElement.GetProperty("item_count").GetInt64().Should().Be(0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void TemplateWithoutSystemPromptHasNoPromptHash(string? systemPrompt)
    {
        ExportManifestTemplate.Of(Guid.NewGuid(), "t", systemPrompt).SystemPromptSha256.Should().BeNull();
    }

    [Fact]
    public async Task AddingAfterCompletionIsRefused()
    {
        await using var manifest = ExportManifestWriter.Start(new MemoryStream(), Header);
        await manifest.CompleteAsync(new Dictionary<string, long>(), new ExportManifestFile("k", 0, new string('0', 64)), CancellationToken.None);

        var add = async () => await manifest.AddItemAsync(Guid.NewGuid(), new string('a', 64), CancellationToken.None);

        await add.Should().ThrowAsync<InvalidOperationException>();
    }
}
