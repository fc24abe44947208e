using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Datasets;

/// <summary>Seed 001's Review section: decisions, edits with their audit trail, counts and ReviewToExport. On each database.</summary>
public abstract class ReviewContract(ForgeApiFactory factory)
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient("reviewer-alice");

    private async Task<(DatasetScenario Scenario, Guid DatasetId, List<Guid> Items)> GeneratedAsync(object? autoExport = null)
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync(autoExport: autoExport);
        await scenario.GenerateAsync(datasetId);
        var items = (await scenario.PendingAsync(datasetId)).Select(i => i.GetProperty("id").GetGuid()).ToList();
        items.Should().HaveCountGreaterThan(2);
        return (scenario, datasetId, items);
    }

    private async Task<JsonElement> DatasetAsync(Guid id) => await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{id}"), HttpStatusCode.OK);

    [Fact]
    public async Task ApproveRejectAndEditAreRecordedInTheSeedShape()
    {
        var (_, datasetId, items) = await GeneratedAsync();

        var approved = await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{items[0]}/approve",
            new { reviewer_id = "user-123", justification = "Item aprovado após revisão" }), HttpStatusCode.OK);
        var rejected = await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{items[1]}/reject",
            new { reviewer_id = "user-123", justification = "Resposta incorreta" }), HttpStatusCode.OK);
        var before = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/dataset/review/{items[2]}"), HttpStatusCode.OK);
        var edited = await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{items[2]}/edit",
            new { instruction = "Instrução editada", ideal_response = "Resposta ideal editada", input_text = before.GetProperty("input_text").GetString(), justification = "Correções" }), HttpStatusCode.OK);

        approved.GetProperty("action").GetString().Should().Be("approve");
        approved.GetProperty("dataset_item_id").GetGuid().Should().Be(items[0]);
        approved.GetProperty("reviewer_id").GetString().Should().Be("reviewer-alice", "the body cannot name someone else as the reviewer");
        approved.GetProperty("reviewer_label").GetString().Should().Be("user-123");
        approved.GetProperty("auth_method").GetString().Should().Be("jwt");
        approved.GetProperty("previous_values").ValueKind.Should().Be(JsonValueKind.Null);
        approved.GetProperty("new_values").ValueKind.Should().Be(JsonValueKind.Null);
        rejected.GetProperty("action").GetString().Should().Be("reject");
        rejected.GetProperty("justification").GetString().Should().Be("Resposta incorreta");
        edited.GetProperty("action").GetString().Should().Be("edit");
        edited.GetProperty("reviewer_id").GetString().Should().Be("reviewer-alice", "without reviewer_id the caller is the reviewer");
        edited.GetProperty("new_values").GetRawText().Should().Be("""{"instruction":"Instrução editada","ideal_response":"Resposta ideal editada"}""",
            "an unchanged input_text is not an edit");
        edited.GetProperty("previous_values").GetProperty("instruction").GetString().Should().Be(before.GetProperty("instruction").GetString());
        edited.GetProperty("previous_values").EnumerateObject().Select(p => p.Name).Should().Equal("instruction", "ideal_response");
        var after = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/dataset/review/{items[2]}"), HttpStatusCode.OK);
        after.GetProperty("instruction").GetString().Should().Be("Instrução editada");
        after.GetProperty("review_status").GetString().Should().Be("pending", "an edit is not a decision");

        var dataset = await DatasetAsync(datasetId);
        dataset.GetProperty("approved_items").GetInt32().Should().Be(1);
        dataset.GetProperty("rejected_items").GetInt32().Should().Be(1);
        dataset.GetProperty("pending_items").GetInt32().Should().Be(items.Count - 2);
        (await new DatasetScenario(client).PendingAsync(datasetId)).Select(i => i.GetProperty("id").GetGuid()).Should().NotContain([items[0], items[1]]);
    }

    [Fact]
    public async Task ReReviewingKeepsEveryActionAndTheLastDecisionStands()
    {
        var (_, datasetId, items) = await GeneratedAsync();
        var item = items[0];

        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/approve", new { justification = "Aprovado" }), HttpStatusCode.OK);
        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/edit", new { explanation = "Explicação nova", reviewer_id = "user-456" }), HttpStatusCode.OK);
        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/reject", new { justification = "Mudei de ideia" }), HttpStatusCode.OK);

        var history = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/dataset/review/{item}/history"), HttpStatusCode.OK);
        history.EnumerateArray().Select(h => h.GetProperty("action").GetString()).Should().Equal("approve", "edit", "reject");
        history.EnumerateArray().Select(h => h.GetProperty("created_at").GetDateTime()).Should().BeInAscendingOrder();
        history[1].GetProperty("new_values").GetProperty("explanation").GetString().Should().Be("Explicação nova");
        var dataset = await DatasetAsync(datasetId);
        dataset.GetProperty("approved_items").GetInt32().Should().Be(0);
        dataset.GetProperty("rejected_items").GetInt32().Should().Be(1);
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/dataset/review/{item}"), HttpStatusCode.OK)).GetProperty("explanation").GetString().Should().Be("Explicação nova");
    }

    [Fact]
    public async Task BadReviewsAreRefusedWithoutWritingAnything()
    {
        var (_, datasetId, items) = await GeneratedAsync();
        var item = items[0];

        var noReason = await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/reject", new { reviewer_id = "user-123" }), HttpStatusCode.UnprocessableEntity);
        noReason.GetProperty("details").GetProperty("justification").GetString().Should().StartWith("Field required");
        (await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/reject", new { justification = "   " })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var nothing = await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/edit", new { reviewer_id = "user-123", justification = "nada" }), HttpStatusCode.UnprocessableEntity);
        nothing.GetProperty("details").GetProperty("body").GetString().Should().Contain("At least one");
        (await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/edit", new { ideal_response = "" })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/approve", new { reviewer_id = new string('r', 101) })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        foreach (var action in (string[])["approve", "reject", "edit"])
        {
            (await client.PostAsJsonAsync($"/api/v1/dataset/review/{Guid.NewGuid()}/{action}", new { justification = "x", instruction = "y" })).StatusCode.Should().Be(HttpStatusCode.NotFound, action);
        }
        (await client.GetAsync($"/api/v1/dataset/review/{Guid.NewGuid()}/history")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/dataset/review/{item}/history"), HttpStatusCode.OK)).GetArrayLength().Should().Be(0);
        (await DatasetAsync(datasetId)).GetProperty("pending_items").GetInt32().Should().Be(items.Count);
    }

    [Fact]
    public async Task AReviewerIdInTheBodyCannotForgeTheAuditTrail()
    {
        var (_, _, items) = await GeneratedAsync();
        var mallory = factory.CreateAuthenticatedClient("mallory");
        var apiKey = await factory.CreateApiKeyAsync("carol");
        var carol = factory.CreateClient();
        carol.DefaultRequestHeaders.Add("X-API-Key", apiKey.Key);

        await DatasetScenario.Expect(await mallory.PostAsJsonAsync($"/api/v1/dataset/review/{items[0]}/approve", new { reviewer_id = "reviewer-alice" }), HttpStatusCode.OK);
        await DatasetScenario.Expect(await mallory.PostAsJsonAsync($"/api/v1/dataset/review/{items[0]}/edit", new { reviewer_id = "reviewer-alice", explanation = "forjado" }), HttpStatusCode.OK);
        await DatasetScenario.Expect(await carol.PostAsJsonAsync($"/api/v1/dataset/review/{items[0]}/reject", new { reviewer_id = "carol", justification = "não" }), HttpStatusCode.OK);

        var history = (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/dataset/review/{items[0]}/history"), HttpStatusCode.OK)).EnumerateArray().ToList();
        history.Select(h => h.GetProperty("reviewer_id").GetString()).Should().Equal("mallory", "mallory", "carol");
        history.Select(h => h.GetProperty("reviewer_label").GetString()).Should().Equal("reviewer-alice", "reviewer-alice", null);
        history.Select(h => h.GetProperty("auth_method").GetString()).Should().Equal("jwt", "jwt", "api_key");
    }

    [Fact]
    public async Task ApprovingWithoutABodyIsAllowed()
    {
        var (_, _, items) = await GeneratedAsync();

        var response = await client.PostAsync($"/api/v1/dataset/review/{items[0]}/approve", null);

        (await DatasetScenario.Expect(response, HttpStatusCode.OK)).GetProperty("reviewer_id").GetString().Should().Be("reviewer-alice");
    }

    [Fact]
    public async Task ConcurrentReviewsKeepTheCountsEqualToTheItems()
    {
        var (_, datasetId, items) = await GeneratedAsync();

        // Every item gets an approval and a rejection at the same time, from separate clients.
        var reviews = items.SelectMany(item => new[]
        {
            factory.CreateAuthenticatedClient().PostAsJsonAsync($"/api/v1/dataset/review/{item}/approve", new { justification = "ok" }),
            factory.CreateAuthenticatedClient().PostAsJsonAsync($"/api/v1/dataset/review/{item}/reject", new { justification = "no" }),
        });
        var responses = await Task.WhenAll(reviews);

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var dataset = await DatasetAsync(datasetId);
        dataset.GetProperty("pending_items").GetInt32().Should().Be(0);
        (dataset.GetProperty("approved_items").GetInt32() + dataset.GetProperty("rejected_items").GetInt32()).Should().Be(items.Count);
        var approvedByHistory = 0;
        foreach (var item in items)
        {
            var history = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/dataset/review/{item}/history"), HttpStatusCode.OK);
            history.GetArrayLength().Should().Be(2);
            approvedByHistory += history[1].GetProperty("action").GetString() == "approve" ? 1 : 0;
        }
        dataset.GetProperty("approved_items").GetInt32().Should().Be(approvedByHistory, "the last action in each history is the item's status");
    }

    [Fact]
    public async Task ReviewingTheLastPendingItemExportsADatasetThatAsksForIt()
    {
        var (_, datasetId, items) = await GeneratedAsync(autoExport: new { format = "jsonl", schema = "chat" });

        foreach (var item in items.Skip(1))
        {
            await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item}/approve", new { }), HttpStatusCode.OK);
        }
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}/exports"), HttpStatusCode.OK)).GetArrayLength().Should().Be(0,
            "one item is still pending");
        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{items[0]}/reject", new { justification = "fora do tema" }), HttpStatusCode.OK);

        var exports = await Poll.UntilAsync(async () => await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}/exports"), HttpStatusCode.OK),
            e => e.GetArrayLength() > 0 && e[0].GetProperty("status").GetString() == "completed", "the automatic export");
        exports[0].GetProperty("trigger").GetString().Should().Be("auto");
        exports[0].GetProperty("format").GetString().Should().Be("jsonl");
        exports[0].GetProperty("item_count").GetInt32().Should().Be(items.Count - 1);
        // The export is started inside the review's transaction, so a second one would be listed as soon as this answers.
        await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{items[1]}/reject", new { justification = "re-review" }), HttpStatusCode.OK);
        exports = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/{datasetId}/exports"), HttpStatusCode.OK);
        exports.GetArrayLength().Should().Be(1, "a re-review after the last pending item does not export again");
        exports[0].GetProperty("download_url").ValueKind.Should().Be(JsonValueKind.Null);
    }
}

public sealed class SqliteReviewTests(ForgeApiFactory factory) : ReviewContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresReviewTests(PostgresForgeApiFactory factory) : ReviewContract(factory), IClassFixture<PostgresForgeApiFactory>;
