using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Forge.Shared.Storage;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Datasets;

/// <summary>Seed 001's Export section: versioned files in every format and schema, their manifests and download URLs. On each database.</summary>
public abstract class ExportContract(ForgeApiFactory factory)
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient();

    /// <summary>A generated dataset with its first <paramref name="approve"/> items approved and the next one rejected.</summary>
    private async Task<(Guid DatasetId, List<JsonElement> Items)> ReviewedAsync(int approve)
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();
        await scenario.GenerateAsync(datasetId);
        var items = await scenario.PendingAsync(datasetId);
        items.Should().HaveCountGreaterThan(approve + 1);
        foreach (var item in items.Take(approve))
        {
            await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item.GetProperty("id").GetGuid()}/approve", new { }), HttpStatusCode.OK);
        }
        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{items[approve].GetProperty("id").GetGuid()}/reject", new { justification = "não" }), HttpStatusCode.OK);
        return (datasetId, items);
    }

    private async Task<JsonElement> ExportAsync(Guid datasetId, object? body) =>
        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/datasets/{datasetId}/export", body), HttpStatusCode.OK);

    private async Task<byte[]> DownloadAsync(string url)
    {
        var response = await factory.CreateClient().GetAsync(new Uri(url).PathAndQuery);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task JsonlExportOfApprovedItemsIsChatDataDownloadedByItsSignedUrl()
    {
        var (datasetId, items) = await ReviewedAsync(approve: 2);

        var export = await ExportAsync(datasetId, new { format = "jsonl", approved_only = true });

        export.GetProperty("dataset_id").GetGuid().Should().Be(datasetId);
        export.GetProperty("export_version").GetInt32().Should().Be(1);
        export.GetProperty("format").GetString().Should().Be("jsonl");
        export.GetProperty("s3_key").GetString().Should().Be($"exports/{datasetId}/v1/dataset.jsonl");
        export.GetProperty("status").GetString().Should().Be("completed");
        export.GetProperty("item_count").GetInt32().Should().Be(2);
        export.GetProperty("filters_applied").GetRawText().Should().Be("""{"approved_only":true}""");
        export.GetProperty("schema").GetString().Should().Be("chat");
        var bytes = await DownloadAsync(export.GetProperty("download_url").GetString()!);
        Convert.ToHexStringLower(SHA256.HashData(bytes)).Should().Be(export.GetProperty("file_sha256").GetString());
        var lines = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        for (var i = 0; i < 2; i++)
        {
            var messages = JsonDocument.Parse(lines[i]).RootElement.GetProperty("messages");
            messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()).Should().Equal("system", "user", "assistant");
            messages[0].GetProperty("content").GetString().Should().Be("Você é um assistente útil.");
            messages[1].GetProperty("content").GetString().Should().StartWith(items[i].GetProperty("instruction").GetString());
            messages[2].GetProperty("content").GetString().Should().Be(items[i].GetProperty("ideal_response").GetString());
        }

        var manifestJson = await factory.WithScopeAsync(async sp =>
        {
            await using var blob = await sp.GetRequiredService<IBlobStore>().OpenReadAsync($"exports/{datasetId}/v1/manifest.json");
            return await JsonDocument.ParseAsync(blob.Content);
        });
        var manifest = manifestJson.RootElement;
        manifest.GetProperty("item_count").GetInt32().Should().Be(2);
        manifest.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())
            .Should().Equal(items.Take(2).Select(i => i.GetProperty("id").GetGuid()));
        manifest.GetProperty("items")[0].GetProperty("content_hash").GetString().Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines[0]))));
        manifest.GetProperty("generators").EnumerateArray().Select(g => g.GetString()).Should().Equal("extractive");
        manifest.GetProperty("template").GetProperty("name").GetString().Should().Be("Template Chat");
        manifest.GetProperty("file").GetProperty("sha256").GetString().Should().Be(export.GetProperty("file_sha256").GetString());
    }

    [Fact]
    public async Task VersionsIncreaseListingsOmitUrlsAndDownloadGivesAFreshOne()
    {
        var (datasetId, _) = await ReviewedAsync(approve: 1);

        var first = await ExportAsync(datasetId, null);
        var second = await ExportAsync(datasetId, new { format = "csv" });
        var listed = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}/exports"), HttpStatusCode.OK);
        var fresh = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/exports/{second.GetProperty("id").GetGuid()}/download"), HttpStatusCode.OK);

        first.GetProperty("export_version").GetInt32().Should().Be(1);
        second.GetProperty("export_version").GetInt32().Should().Be(2);
        second.GetProperty("s3_key").GetString().Should().Be($"exports/{datasetId}/v2/dataset.csv");
        listed.EnumerateArray().Select(e => e.GetProperty("export_version").GetInt32()).Should().Equal(1, 2);
        listed.EnumerateArray().Should().OnlyContain(e => e.GetProperty("download_url").ValueKind == JsonValueKind.Null);
        fresh.EnumerateObject().Select(p => p.Name).Should().Equal("download_url");
        (await DownloadAsync(fresh.GetProperty("download_url").GetString()!)).Should().Equal(await DownloadAsync(second.GetProperty("download_url").GetString()!));
        (await client.GetAsync($"/api/v1/datasets/exports/{Guid.NewGuid()}/download")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/v1/datasets/{Guid.NewGuid()}/exports")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.PostAsJsonAsync($"/api/v1/datasets/{Guid.NewGuid()}/export", new { })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EverySchemaAndFormatWritesWhatItPromises()
    {
        var (datasetId, items) = await ReviewedAsync(approve: 2);

        var raw = JsonDocument.Parse(await DownloadAsync((await ExportAsync(datasetId, new { format = "json" })).GetProperty("download_url").GetString()!)).RootElement;
        var alpaca = Encoding.UTF8.GetString(await DownloadAsync((await ExportAsync(datasetId, new { format = "jsonl", schema = "alpaca" })).GetProperty("download_url").GetString()!));
        var dpo = Encoding.UTF8.GetString(await DownloadAsync((await ExportAsync(datasetId, new { format = "jsonl", schema = "dpo" })).GetProperty("download_url").GetString()!));
        var csv = Encoding.UTF8.GetString(await DownloadAsync((await ExportAsync(datasetId, new { format = "csv", schema = "alpaca" })).GetProperty("download_url").GetString()!));

        raw.GetArrayLength().Should().Be(2);
        raw[0].GetProperty("id").GetGuid().Should().Be(items[0].GetProperty("id").GetGuid());
        raw[0].GetProperty("review_status").GetString().Should().Be("approved");
        raw[0].GetProperty("quality_flags").ValueKind.Should().Be(JsonValueKind.Object);
        var alpacaFirst = JsonDocument.Parse(alpaca.Split('\n')[0]).RootElement;
        alpacaFirst.GetProperty("instruction").GetString().Should().Be(items[0].GetProperty("instruction").GetString());
        alpacaFirst.GetProperty("output").GetString().Should().Be(items[0].GetProperty("ideal_response").GetString());
        var dpoFirst = JsonDocument.Parse(dpo.Split('\n')[0]).RootElement;
        dpoFirst.GetProperty("preferred_output")[0].GetProperty("content").GetString().Should().Be(items[0].GetProperty("ideal_response").GetString());
        dpoFirst.GetProperty("non_preferred_output")[0].GetProperty("content").GetString().Should().Be(items[0].GetProperty("bad_response").GetString());
        csv.Split("\r\n")[0].Should().Be("instruction,input,output,system", "alpaca carries the template's system prompt when there is one");
    }

    [Fact]
    public async Task FiltersChooseTheItems()
    {
        var (datasetId, items) = await ReviewedAsync(approve: 1);

        var everything = await ExportAsync(datasetId, new { approved_only = false });
        var none = await ExportAsync(datasetId, new { approved_only = false, filters = new { min_quality_score = 1.0 } });

        everything.GetProperty("item_count").GetInt32().Should().Be(items.Count);
        everything.GetProperty("filters_applied").GetRawText().Should().Be("""{"approved_only":false}""");
        var perfect = items.Count(i => i.GetProperty("quality_score").GetDouble() >= 1.0);
        none.GetProperty("item_count").GetInt32().Should().Be(perfect);
        none.GetProperty("filters_applied").GetRawText().Should().Be("""{"approved_only":false,"min_quality_score":1}""");
    }

    [Fact]
    public async Task BadExportRequestsAre422()
    {
        var (datasetId, _) = await ReviewedAsync(approve: 1);

        async Task<JsonElement> Details(object body) =>
            (await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/datasets/{datasetId}/export", body), HttpStatusCode.UnprocessableEntity)).GetProperty("details");

        (await Details(new { format = "xml" })).GetProperty("format").GetString().Should().Contain("jsonl");
        (await Details(new { format = "csv", schema = "chat" })).GetProperty("schema").GetString().Should().Contain("jsonl");
        (await Details(new { schema = "sharegpt" })).TryGetProperty("schema", out _).Should().BeTrue();
        (await Details(new { filters = new { min_quality_score = 2 } })).TryGetProperty("filters.min_quality_score", out _).Should().BeTrue();
        (await Details(new { filters = new { colour = "blue" } })).TryGetProperty("filters.colour", out _).Should().BeTrue();
        (await Details(new { approved_only = "yes" })).TryGetProperty("approved_only", out _).Should().BeTrue();
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}/exports"), HttpStatusCode.OK)).GetArrayLength().Should().Be(0);
    }
    [Fact]
    public async Task CsvCellsThatASpreadsheetWouldRunAreQuotedUnlessRawTextIsAskedFor()
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();
        await scenario.GenerateAsync(datasetId);
        var item = (await scenario.PendingAsync(datasetId))[0].GetProperty("id").GetGuid();
        const string Instruction = "=HYPERLINK(\"http://evil.example\",\"clique\")";
        const string Ideal = "@SUM(1+1) e -2+3";
        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/edit",
            new { instruction = Instruction, ideal_response = Ideal, input_text = "\tcmd|' /C calc'!A0", justification = "teste de injeção" }), HttpStatusCode.OK);
        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/approve", new { }), HttpStatusCode.OK);

        async Task<string[]> FirstRow(object body) =>
            Tests.Exports.Rfc4180.Parse(Encoding.UTF8.GetString(await DownloadAsync((await ExportAsync(datasetId, body)).GetProperty("download_url").GetString()!)))[1];

        (await FirstRow(new { format = "csv", schema = "alpaca" }))[..3].Should().Equal("'" + Instruction, "'\tcmd|' /C calc'!A0", "'" + Ideal);
        (await FirstRow(new { format = "csv", schema = "alpaca", csv_formula_escape = true }))[0].Should().Be("'" + Instruction);
        (await FirstRow(new { format = "csv", schema = "alpaca", csv_formula_escape = false }))[..3].Should().Equal(Instruction, "\tcmd|' /C calc'!A0", Ideal);
        var jsonl = Encoding.UTF8.GetString(await DownloadAsync((await ExportAsync(datasetId, new { format = "jsonl", schema = "alpaca" })).GetProperty("download_url").GetString()!));
        JsonDocument.Parse(jsonl.Split('\n')[0]).RootElement.GetProperty("instruction").GetString().Should().Be(Instruction, "only csv is opened by spreadsheets");

        var wrongType = await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/datasets/{datasetId}/export", new { format = "csv", csv_formula_escape = "no" }),
            HttpStatusCode.UnprocessableEntity);
        wrongType.GetProperty("details").TryGetProperty("csv_formula_escape", out _).Should().BeTrue(wrongType.ToString());
    }

    [Fact]
    public async Task AKeyGivenTwiceInFiltersOrAutoExportIs422()
    {
        // Checked before the dataset is looked up: any id will do.
        using var body = new StringContent("""{"format":"csv","filters":{"min_quality_score":0.1,"min_quality_score":0.9}}""", Encoding.UTF8, "application/json");
        var error = await DatasetScenario.Expect(await client.PostAsync($"/api/v1/datasets/{Guid.NewGuid()}/export", body), HttpStatusCode.UnprocessableEntity);
        error.GetProperty("details").GetProperty("filters.min_quality_score").GetString().Should().Be("Duplicate key 'min_quality_score'");

        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        using var dataset = new StringContent($$$"""
            {"domain_id":"{{{scenario.DomainId}}}","template_id":"{{{scenario.TemplateId}}}","name":"dup","provider":"extractive",
             "auto_export":{"format":"csv","format":"json"}}
            """, Encoding.UTF8, "application/json");
        var datasetError = await DatasetScenario.Expect(await client.PostAsync("/api/v1/datasets", dataset), HttpStatusCode.UnprocessableEntity);
        datasetError.GetProperty("details").GetProperty("auto_export.format").GetString().Should().Be("Duplicate key 'format'");
    }

    [Fact]
    public async Task AnAutoExportKeepsItsRawCsvChoiceAndAWrongTypeIs422()
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var wrong = await client.PostAsJsonAsync("/api/v1/datasets", new
        {
            domain_id = scenario.DomainId, template_id = scenario.TemplateId, name = "auto csv", provider = "extractive",
            auto_export = new { format = "csv", csv_formula_escape = "no" },
        });
        (await DatasetScenario.Expect(wrong, HttpStatusCode.UnprocessableEntity)).GetProperty("details").TryGetProperty("auto_export.csv_formula_escape", out _)
            .Should().BeTrue();

        var datasetId = await scenario.CreateDatasetAsync(autoExport: new { format = "csv", schema = "alpaca", csv_formula_escape = false });
        await scenario.GenerateAsync(datasetId);
        var items = (await scenario.PendingAsync(datasetId)).Select(i => i.GetProperty("id").GetGuid()).ToList();
        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{items[0]}/edit",
            new { instruction = "=1+1", justification = "raw" }), HttpStatusCode.OK);
        foreach (var item in items)
        {
            await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/approve", new { }), HttpStatusCode.OK);
        }

        var exports = await Poll.UntilAsync(async () => await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}/exports"), HttpStatusCode.OK),
            e => e.GetArrayLength() > 0 && e[0].GetProperty("status").GetString() == "completed", "the automatic export");
        var url = (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/exports/{exports[0].GetProperty("id").GetGuid()}/download"),
            HttpStatusCode.OK)).GetProperty("download_url").GetString()!;
        Tests.Exports.Rfc4180.Parse(Encoding.UTF8.GetString(await DownloadAsync(url)))[1][0].Should().Be("=1+1", "the dataset asked for raw csv");
    }
}

public sealed class SqliteExportTests(ForgeApiFactory factory) : ExportContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresExportTests(PostgresForgeApiFactory factory) : ExportContract(factory), IClassFixture<PostgresForgeApiFactory>;
