using System.Net;
using System.Text;
using System.Text.Json;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Hosting;

/// <summary>
/// Crafted JSON bodies that used to reach a 500 or be stored as given (issue 10, item 8): duplicate keys inside
/// free-form objects, lone surrogates, NUL characters. Each is a 422 in seed 001's shape and writes nothing. On each database.
/// </summary>
public abstract class HostileJsonContract(ForgeApiFactory factory)
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient("hostile-alice");

    private static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Expect422(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, text);
        var body = JsonDocument.Parse(text).RootElement;
        body.EnumerateObject().Select(p => p.Name).Should().Equal("error", "details", "request_id");
        body.GetProperty("details").TryGetProperty(field, out var detail).Should().BeTrue(text);
        detail.GetString().Should().NotContain("System.").And.NotContain("Nullable").And.NotContain("`");
        return body;
    }

    private async Task<int> CountAsync(string route) =>
        (await DatasetScenario.Expect(await client.GetAsync(route), HttpStatusCode.OK)).GetArrayLength();

    [Fact]
    public async Task DuplicateKeysInADomainConfigAre422AndNothingIsStored()
    {
        var slug = $"dup-{Guid.NewGuid():N}"[..20];
        var before = await CountAsync("/api/v1/domains");

        var body = await Expect422(await client.PostAsync("/api/v1/domains", Raw($$$"""{"name":"Dup","slug":"{{{slug}}}","config":{"a":1,"a":2}}""")), "config.a");

        body.GetProperty("details").GetProperty("config.a").GetString().Should().Contain("Duplicate");
        (await CountAsync("/api/v1/domains")).Should().Be(before);
    }

    [Fact]
    public async Task DuplicateTopLevelKeysAre422()
    {
        await Expect422(await client.PostAsync("/api/v1/domains", Raw("""{"name":"A","name":"B","slug":"dup-top"}""")), "name");
    }

    [Fact]
    public async Task DuplicateKeysInEveryFreeFormObjectAre422()
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync(provider: "extractive");

        await Expect422(await client.PostAsync($"/api/v1/documents/{scenario.DocumentId}/process",
            Raw("""{"segment_type":"paragraph","segment_config":{"max_length":500,"max_length":5}}""")), "segment_config.max_length");
        await Expect422(await client.PostAsync("/api/v1/datasets",
            Raw($$$"""{"domain_id":"{{{scenario.DomainId}}}","template_id":"{{{scenario.TemplateId}}}","name":"D","provider":"extractive","generation_config":{"temperature":0.1,"temperature":0.9}}""")),
            "generation_config.temperature");
        await Expect422(await client.PostAsync("/api/v1/models",
            Raw($$$"""{"name":"m-{{{Guid.NewGuid():N}}}","domain_id":"{{{scenario.DomainId}}}","base_model":"llama","provider":"local","config":{"x":{"k":1,"k":2} }}""")),
            "config.x.k");
        await Expect422(await client.PostAsync($"/api/v1/datasets/{datasetId}/export",
            Raw("""{"format":"jsonl","filters":{"min_quality_score":0.1,"min_quality_score":0.9}}""")), "filters.min_quality_score");

        (await CountAsync("/api/v1/models")).Should().Be(0, "a refused model is not stored");
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("a\\udc00b")]
    [InlineData("\\udbff\\u0041")]
    public async Task ALoneSurrogateInAStringIs422(string escaped)
    {
        var slug = $"sur-{Guid.NewGuid():N}"[..20];

        await Expect422(await client.PostAsync("/api/v1/domains", Raw($$$"""{"name":"x{{{escaped}}}","slug":"{{{slug}}}"}""")), "name");
        await Expect422(await client.PostAsync("/api/v1/domains", Raw($$$"""{"name":"ok","slug":"{{{slug}}}","config":{"note":"{{{escaped}}}"}}""")), "config.note");
        await Expect422(await client.PostAsync("/api/v1/domains", Raw($$$"""{"name":"ok","slug":"{{{slug}}}","config":{"{{{escaped}}}":1}}""")), "config");

        (await client.GetAsync($"/api/v1/domains?slug={slug}")).StatusCode.Should().NotBe(HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task AValidSurrogatePairIsStoredUnchanged()
    {
        var slug = $"emo-{Guid.NewGuid():N}"[..20];

        var created = await DatasetScenario.Expect(await client.PostAsync("/api/v1/domains",
            Raw($$$"""{"name":"Emoji \ud83d\ude00","slug":"{{{slug}}}","config":{"e":"\ud83d\ude00"}}""")), HttpStatusCode.Created);

        created.GetProperty("name").GetString().Should().Be("Emoji 😀");
        created.GetProperty("config").GetProperty("e").GetString().Should().Be("😀");
    }

    [Fact]
    public async Task ANulCharacterInATextFieldIs422()
    {
        var slug = $"nul-{Guid.NewGuid():N}"[..20];
        var before = await CountAsync("/api/v1/domains");

        await Expect422(await client.PostAsync("/api/v1/domains", Raw($$$"""{"name":"a\u0000b","slug":"{{{slug}}}"}""")), "name");
        await Expect422(await client.PostAsync("/api/v1/domains", Raw($$$"""{"name":"a","slug":"{{{slug}}}","description":"x\u0000"}""")), "description");
        await Expect422(await client.PostAsync("/api/v1/domains", Raw($$$"""{"name":"a","slug":"{{{slug}}}","config":{"k":"v\u0000"}}""")), "config.k");

        (await CountAsync("/api/v1/domains")).Should().Be(before);
    }

    [Theory]
    [InlineData("/api/v1/models?provider=a%00b", "provider")]
    [InlineData("/api/v1/datasets?domain_id=00000000-0000-0000-0000-000000000000&status=%00", "status")]
    public async Task ANulCharacterInAQueryParameterIs422OnEveryDatabase(string route, string parameter)
    {
        await Expect422(await client.GetAsync(route), parameter);
    }

    [Fact]
    public async Task ConcurrentCreatesWithOneSlugGiveOne201AndTheRest422()
    {
        var slug = $"race-{Guid.NewGuid():N}"[..20];

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() =>
            factory.CreateAuthenticatedClient("hostile-alice").PostAsync("/api/v1/domains", Raw($$$"""{"name":"Race","slug":"{{{slug}}}"}""")))));

        responses.Select(r => r.StatusCode).Should().OnlyContain(s => s == HttpStatusCode.Created || s == HttpStatusCode.UnprocessableEntity);
        responses.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(1);
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.UnprocessableEntity))
        {
            var body = JsonDocument.Parse(await conflict.Content.ReadAsStringAsync()).RootElement;
            body.EnumerateObject().Select(p => p.Name).Should().Equal("error", "details", "request_id");
            body.GetProperty("details").GetProperty("slug").GetString().Should().Contain("already used");
        }
    }
}

public sealed class SqliteHostileJsonTests(ForgeApiFactory factory) : HostileJsonContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresHostileJsonTests(PostgresForgeApiFactory factory) : HostileJsonContract(factory), IClassFixture<PostgresForgeApiFactory>;

public sealed class UnstorableTextMappingTests
{
    [Theory]
    [InlineData("22021")]
    [InlineData("22P05")]
    public void TextPostgreSqlCannotStoreIs422NotA500(string sqlState)
    {
        var refused = new Microsoft.EntityFrameworkCore.DbUpdateException("save failed",
            new Npgsql.PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", sqlState));

        var error = Forge.Functions.Hosting.ForgeExceptionHandler.ToApiError(refused);

        error.StatusCode.Should().Be(422);
        error.Details!.Should().ContainKey("request");
    }

    [Fact]
    public void OtherDatabaseFailuresStay500()
    {
        var broken = new Microsoft.EntityFrameworkCore.DbUpdateException("save failed",
            new Npgsql.PostgresException("disk full", "ERROR", "ERROR", "53100"));

        Forge.Functions.Hosting.ForgeExceptionHandler.ToApiError(broken).StatusCode.Should().Be(500);
    }
}
