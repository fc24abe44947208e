using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Datasets;

/// <summary>
/// Datasets and synthetic generation over HTTP with no API key configured: the extractive generator makes the
/// items, so seed 001's flow runs offline. On each database.
/// </summary>
public abstract class DatasetGenerationContract(ForgeApiFactory factory)
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient();

    private DatasetScenario Scenario() => new(client);

    [Fact]
    public async Task CreatingADatasetAnswersTheSeedShapeAsDraft()
    {
        var scenario = await Scenario().WithProcessedDocumentAsync();

        var response = await client.PostAsJsonAsync("/api/v1/datasets", new
        {
            domain_id = scenario.DomainId,
            template_id = scenario.TemplateId,
            use_case = "chat-training",
            name = "Dataset Chat VR 2024",
            description = "Dataset para treinamento de chat",
            provider = "openai",
            target_model_family = "llama",
            generation_config = new { model = "gpt-4", temperature = 0.7, max_tokens = 1000 },
            segment_filter = new { segment_type = "paragraph", domain_id = scenario.DomainId },
        });

        var body = await DatasetScenario.Expect(response, HttpStatusCode.Created);
        response.Headers.Location!.ToString().Should().Be($"/api/v1/datasets/{body.GetProperty("id").GetGuid()}");
        foreach (var field in (string[])["id", "domain_id", "template_id", "use_case", "name", "description", "provider", "target_model_family", "status", "version",
                     "generation_config", "segment_filter", "total_items", "approved_items", "rejected_items", "pending_items", "created_at", "updated_at"])
        {
            body.TryGetProperty(field, out _).Should().BeTrue(field);
        }
        body.GetProperty("status").GetString().Should().Be("draft");
        body.GetProperty("version").GetInt32().Should().Be(1);
        body.GetProperty("generation_config").GetRawText().Should().Be("""{"model":"gpt-4","temperature":0.7,"max_tokens":1000}""");
        body.GetProperty("segment_filter").GetProperty("segment_type").GetString().Should().Be("paragraph");
        body.GetProperty("total_items").GetInt32().Should().Be(0);
        body.GetProperty("created_at").GetString().Should().EndWith("Z");
        var fetched = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{body.GetProperty("id").GetGuid()}"), HttpStatusCode.OK);
        fetched.GetProperty("name").GetString().Should().Be("Dataset Chat VR 2024");
    }

    [Fact]
    public async Task InvalidDatasetFieldsAreReported422PerField()
    {
        var scenario = await Scenario().WithProcessedDocumentAsync();

        var response = await client.PostAsJsonAsync("/api/v1/datasets", new
        {
            domain_id = scenario.DomainId,
            name = new string('x', 201),
            provider = "anthropic",
            generation_config = new { temperature = 3, items_per_segment = 0 },
            segment_filter = new { segment_type = "poem", colour = "blue" },
        });

        var body = await DatasetScenario.Expect(response, HttpStatusCode.UnprocessableEntity);
        var details = body.GetProperty("details");
        details.GetProperty("name").GetString().Should().Contain("200");
        details.GetProperty("provider").GetString().Should().Contain("openai, gemini, together");
        details.TryGetProperty("generation_config.temperature", out _).Should().BeTrue();
        details.TryGetProperty("generation_config.items_per_segment", out _).Should().BeTrue();
        details.TryGetProperty("segment_filter.segment_type", out _).Should().BeTrue();
        details.GetProperty("segment_filter.colour").GetString().Should().Contain("Unknown filter");
        body.GetProperty("request_id").GetString().Should().NotBeNullOrEmpty();
        (await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/datasets", new { name = "x" }), HttpStatusCode.UnprocessableEntity))
            .GetProperty("details").GetProperty("provider").GetString().Should().Be("Field required");
    }

    [Fact]
    public async Task UnknownDomainOrDatasetIs404AndListFiltersByDomain()
    {
        var scenario = await Scenario().WithProcessedDocumentAsync();
        var other = await Scenario().WithProcessedDocumentAsync();
        var mine = await scenario.CreateDatasetAsync();
        await other.CreateDatasetAsync();

        (await client.PostAsJsonAsync("/api/v1/datasets", new { domain_id = Guid.NewGuid(), name = "x", provider = "openai" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/v1/datasets/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var listed = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets?domain_id={scenario.DomainId}"), HttpStatusCode.OK);
        listed.EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).Should().Equal(mine);
    }

    [Fact]
    public async Task GeneratingWithoutAKeyUsesTheExtractiveGeneratorAndEndsReady()
    {
        var scenario = await Scenario().WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();

        var dataset = await scenario.GenerateAsync(datasetId, maxItems: 100, batchSize: 2);

        dataset.GetProperty("status").GetString().Should().Be("ready", dataset.GetRawText());
        var total = dataset.GetProperty("total_items").GetInt32();
        total.Should().Be(scenario.SegmentIds.Count);
        dataset.GetProperty("pending_items").GetInt32().Should().Be(total);
        var generation = dataset.GetProperty("generation");
        generation.GetProperty("generator").GetString().Should().Be("extractive");
        generation.GetProperty("generator_note").GetString().Should().Contain("openai");
        generation.GetProperty("items_created").GetInt32().Should().Be(total);
        generation.GetProperty("planned_items").GetInt32().Should().Be(total);
        dataset.GetProperty("generation_error").ValueKind.Should().Be(JsonValueKind.Null);

        var pending = await scenario.PendingAsync(datasetId);
        pending.Should().HaveCount(total);
        foreach (var item in pending)
        {
            item.GetProperty("dataset_name").GetString().Should().Be("Dataset Chat");
            item.GetProperty("instruction").GetString().Should().NotBeNullOrWhiteSpace();
            item.GetProperty("ideal_response").GetString().Should().NotBeNullOrWhiteSpace();
            item.GetProperty("quality_score").GetDouble().Should().BeInRange(0, 1);
            var flags = item.GetProperty("quality_flags");
            foreach (var flag in (string[])["length_ok", "coherence_ok", "grounded", "duplicate_of", "pii_detected"])
            {
                flags.TryGetProperty(flag, out _).Should().BeTrue(flag);
            }
            flags.GetProperty("grounded").GetBoolean().Should().BeTrue("an extractive answer is taken from the segment: {0}", item.GetRawText());
            scenario.SegmentIds.Should().Contain(item.GetProperty("segment_id").GetGuid());
            item.GetProperty("document_id").GetGuid().Should().Be(scenario.DocumentId);
            item.GetProperty("template_id").GetGuid().Should().Be(scenario.TemplateId);
            item.GetProperty("generator").GetString().Should().Be("extractive");
        }
        DatasetScenario.Policy.Should().Contain(pending[0].GetProperty("ideal_response").GetString()!.Split('.')[0]);
    }

    [Fact]
    public async Task GeneratingAgainDoesNotDuplicateItemsAndVariantsFollowItemsPerSegment()
    {
        var scenario = await Scenario().WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync(generationConfig: new { items_per_segment = 2 });

        var first = await scenario.GenerateAsync(datasetId, maxItems: 3);
        var second = await scenario.GenerateAsync(datasetId, maxItems: 3);
        var third = await scenario.GenerateAsync(datasetId, maxItems: 5);

        first.GetProperty("total_items").GetInt32().Should().Be(3);
        second.GetProperty("total_items").GetInt32().Should().Be(3, "the same keys already have their items");
        second.GetProperty("generation").GetProperty("planned_items").GetInt32().Should().Be(0);
        third.GetProperty("total_items").GetInt32().Should().Be(5);
        var keys = await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().DatasetItems
            .Where(i => i.DatasetId == datasetId).Select(i => new { i.SegmentId, i.Variant }).ToListAsync());
        keys.Should().OnlyHaveUniqueItems();
        keys.GroupBy(k => k.SegmentId).Should().OnlyContain(g => g.Count() <= 2);
        keys.Select(k => k.Variant).Should().Contain(1);
    }

    [Fact]
    public async Task GenerateChecksItsParameters()
    {
        var scenario = await Scenario().WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();

        async Task<JsonElement> Details(object body) =>
            (await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/datasets/generate", body), HttpStatusCode.UnprocessableEntity)).GetProperty("details");

        (await Details(new { dataset_id = datasetId, max_items = 0 })).TryGetProperty("max_items", out _).Should().BeTrue();
        (await Details(new { dataset_id = datasetId, max_items = 10001 })).TryGetProperty("max_items", out _).Should().BeTrue();
        (await Details(new { dataset_id = datasetId, batch_size = 0 })).TryGetProperty("batch_size", out _).Should().BeTrue();
        (await Details(new { dataset_id = datasetId, batch_size = 101 })).TryGetProperty("batch_size", out _).Should().BeTrue();
        (await Details(new { dataset_id = datasetId, max_items = "many" })).TryGetProperty("max_items", out _).Should().BeTrue();
        (await Details(new { max_items = 5 })).GetProperty("dataset_id").GetString().Should().Be("Field required");
        (await Details(new { dataset_id = datasetId, segment_ids = new[] { Guid.NewGuid() } })).GetProperty("segment_ids").GetString().Should().Contain("Unknown segments");
        (await client.PostAsJsonAsync("/api/v1/datasets/generate", new { dataset_id = Guid.NewGuid() })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var filtered = await scenario.CreateDatasetAsync(segmentFilter: new { segment_type = "faq" });
        (await Details(new { dataset_id = filtered })).GetProperty("segment_filter").GetString().Should().Contain("No segment");
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}"), HttpStatusCode.OK)).GetProperty("status").GetString().Should().Be("draft");
    }

    [Fact]
    public async Task SegmentIdsChooseTheSegments()
    {
        var scenario = await Scenario().WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();

        var dataset = await scenario.GenerateAsync(datasetId, segmentIds: [scenario.SegmentIds[1]]);

        dataset.GetProperty("total_items").GetInt32().Should().Be(1);
        (await scenario.PendingAsync(datasetId)).Single().GetProperty("segment_id").GetGuid().Should().Be(scenario.SegmentIds[1]);
    }

    [Fact]
    public async Task ADatasetIsArchivedAndRestoredAndCannotGenerateWhileArchived()
    {
        var scenario = await Scenario().WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();
        await scenario.GenerateAsync(datasetId, maxItems: 2);

        var archived = await DatasetScenario.Expect(await client.PutAsJsonAsync($"/api/v1/datasets/{datasetId}", new { status = "archived", name = "Arquivado" }), HttpStatusCode.OK);
        var refused = await client.PostAsJsonAsync("/api/v1/datasets/generate", new { dataset_id = datasetId });
        var invalid = await client.PutAsJsonAsync($"/api/v1/datasets/{datasetId}", new { status = "generating" });
        var restored = await DatasetScenario.Expect(await client.PutAsJsonAsync($"/api/v1/datasets/{datasetId}", new { status = "ready" }), HttpStatusCode.OK);

        archived.GetProperty("status").GetString().Should().Be("archived");
        archived.GetProperty("name").GetString().Should().Be("Arquivado");
        archived.GetProperty("total_items").GetInt32().Should().Be(2);
        refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await DatasetScenario.Expect(invalid, HttpStatusCode.UnprocessableEntity)).GetProperty("details").TryGetProperty("status", out _).Should().BeTrue();
        restored.GetProperty("status").GetString().Should().Be("ready");
        (await client.PutAsJsonAsync($"/api/v1/datasets/{Guid.NewGuid()}", new { name = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GeneratingADatasetThatIsAlreadyGeneratingIs409()
    {
        var scenario = await Scenario().WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();
        await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().Datasets.Where(d => d.Id == datasetId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DatasetStatus.Generating)));

        var response = await client.PostAsJsonAsync("/api/v1/datasets/generate", new { dataset_id = datasetId });

        (await DatasetScenario.Expect(response, HttpStatusCode.Conflict)).GetProperty("error").GetString().Should().Contain("already generating");
    }
}

public sealed class SqliteDatasetGenerationTests(ForgeApiFactory factory) : DatasetGenerationContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresDatasetGenerationTests(PostgresForgeApiFactory factory) : DatasetGenerationContract(factory), IClassFixture<PostgresForgeApiFactory>;
