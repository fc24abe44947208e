using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Domains;

/// <summary>Seed 001's Domains and Templates sections over HTTP, on each database.</summary>
public abstract class DomainsAndTemplatesContract(ForgeApiFactory factory)
{
    private HttpClient Client() => factory.CreateAuthenticatedClient();

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<JsonElement> CreateDomainAsync(string? slug = null, bool active = true)
    {
        var response = await Client().PostAsJsonAsync("/api/v1/domains", new { name = "VR Chat", slug = slug ?? Unique("vr-chat"), description = "IA conversacional geral", config = new { primary_model = "llama-3.1-8b-instruct" } });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var domain = await Json(response);
        if (!active)
        {
            (await Client().PutAsJsonAsync($"/api/v1/domains/{domain.GetProperty("id")}", new { is_active = false })).EnsureSuccessStatusCode();
        }
        return domain;
    }

    [Fact]
    public async Task CreatingADomainReturns201WithTheSeedsFields()
    {
        var slug = Unique("vr-chat");
        var response = await Client().PostAsJsonAsync("/api/v1/domains", new { name = "VR Chat", slug, description = "IA conversacional geral", config = new { primary_model = "llama-3.1-8b-instruct", nested = new { b = 1, a = new[] { 1, 2 } } } });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.Location!.ToString().Should().StartWith("/api/v1/domains/");
        var body = await Json(response);
        body.EnumerateObject().Select(p => p.Name).Should().Equal("id", "name", "slug", "description", "config", "is_active", "created_at", "updated_at");
        Guid.TryParse(body.GetProperty("id").GetString(), out _).Should().BeTrue();
        body.GetProperty("slug").GetString().Should().Be(slug);
        body.GetProperty("config").GetRawText().Should().Be("""{"primary_model":"llama-3.1-8b-instruct","nested":{"b":1,"a":[1,2]}}""");
        body.GetProperty("is_active").GetBoolean().Should().BeTrue();
        body.GetProperty("created_at").GetString().Should().EndWith("Z");
    }

    [Fact]
    public async Task InvalidDomainReturns422WithEveryFieldInDetails()
    {
        var response = await Client().PostAsJsonAsync("/api/v1/domains", new { name = new string('x', 101), slug = "Not A Slug" });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var body = await Json(response);
        body.GetProperty("error").GetString().Should().Be("Validation failed");
        body.GetProperty("details").GetProperty("name").GetString().Should().Contain("between 1 and 100");
        body.GetProperty("details").GetProperty("slug").GetString().Should().Contain("Invalid format");
        body.GetProperty("request_id").GetString().Should().NotBeNullOrEmpty();

        var missing = await Json(await Client().PostAsJsonAsync("/api/v1/domains", new { description = "x" }));
        missing.GetProperty("details").GetProperty("name").GetString().Should().Be("Field required");
        missing.GetProperty("details").GetProperty("slug").GetString().Should().Be("Field required");
    }

    [Fact]
    public async Task ProcessingDefaultsInConfigAreChecked()
    {
        var response = await Client().PostAsJsonAsync("/api/v1/domains", new
        {
            name = "Bad defaults",
            slug = Unique("bad"),
            config = new { auto_process = "yes", default_segment_type = "sentence", default_segment_config = new { max_length = 10 }, anything_else = new[] { 1 } },
        });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var details = (await Json(response)).GetProperty("details");
        details.GetProperty("config.auto_process").GetString().Should().Be("Must be true or false");
        details.GetProperty("config.default_segment_type").GetString().Should().Contain("paragraph, clause, chat_message, faq, crm_record");
        details.GetProperty("config.default_segment_config.max_length").GetString().Should().NotBeNullOrEmpty();
        var good = await Client().PostAsJsonAsync("/api/v1/domains", new
        {
            name = "Good defaults",
            slug = Unique("good"),
            config = new { auto_process = true, default_segment_type = "faq", default_segment_config = new { max_length = 400, overlap = 20 }, anything_else = new[] { 1 } },
        });
        good.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task DuplicateSlugIsRejectedWith422()
    {
        var domain = await CreateDomainAsync();

        var response = await Client().PostAsJsonAsync("/api/v1/domains", new { name = "Other", slug = domain.GetProperty("slug").GetString() });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Json(response)).GetProperty("details").GetProperty("slug").GetString().Should().Contain("already used");
    }

    [Fact]
    public async Task WrongJsonTypeIs422AndNothingIsWritten()
    {
        var slug = Unique("typed");
        var response = await Client().PostAsync("/api/v1/domains", new StringContent($$"""{"name":"X","slug":"{{slug}}","config":"not an object"}""", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var all = await Json(await Client().GetAsync("/api/v1/domains?active_only=false"));
        all.EnumerateArray().Should().NotContain(d => d.GetProperty("slug").GetString() == slug);
    }

    [Fact]
    public async Task ListingHidesInactiveDomainsUnlessAskedAndGetReturns404ForUnknownIds()
    {
        var active = await CreateDomainAsync();
        var inactive = await CreateDomainAsync(active: false);

        var defaults = await Json(await Client().GetAsync("/api/v1/domains"));
        var all = await Json(await Client().GetAsync("/api/v1/domains?active_only=false"));

        defaults.EnumerateArray().Select(d => d.GetProperty("id").GetString()).Should().Contain(active.GetProperty("id").GetString()).And.NotContain(inactive.GetProperty("id").GetString());
        all.EnumerateArray().Select(d => d.GetProperty("id").GetString()).Should().Contain(inactive.GetProperty("id").GetString());
        var unknown = Guid.NewGuid();
        var missing = await Client().GetAsync($"/api/v1/domains/{unknown}");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Json(missing)).GetProperty("error").GetString().Should().Be($"Domain with id '{unknown}' not found");
    }

    [Fact]
    public async Task UpdateChangesOnlyTheFieldsSent()
    {
        var domain = await CreateDomainAsync();
        var id = domain.GetProperty("id").GetString();
        await Task.Delay(20);

        var response = await Client().PutAsJsonAsync($"/api/v1/domains/{id}", new { name = "VR Chat Updated", is_active = false });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var updated = await Json(response);
        updated.GetProperty("name").GetString().Should().Be("VR Chat Updated");
        updated.GetProperty("is_active").GetBoolean().Should().BeFalse();
        updated.GetProperty("slug").GetString().Should().Be(domain.GetProperty("slug").GetString());
        updated.GetProperty("description").GetString().Should().Be("IA conversacional geral");
        updated.GetProperty("config").GetRawText().Should().Be(domain.GetProperty("config").GetRawText());
        updated.GetProperty("updated_at").GetDateTime().Should().BeAfter(updated.GetProperty("created_at").GetDateTime());
        (await Client().PutAsJsonAsync($"/api/v1/domains/{Guid.NewGuid()}", new { name = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Client().PutAsJsonAsync($"/api/v1/domains/{id}", new { slug = "BAD SLUG" })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task TemplateIsCreatedListedByFiltersAndFetched()
    {
        var domain = await CreateDomainAsync();
        var domainId = domain.GetProperty("id").GetString();
        var request = new
        {
            domain_id = domainId,
            use_case = "chat-training",
            name = "Template Chat Básico",
            system_prompt = "Você é um assistente útil e prestativo.",
            user_prompt_template = "Baseado no seguinte contexto: {content}\n\nGere uma resposta adequada.",
            target_model_family = "llama",
            config = new { temperature = 0.7, max_tokens = 1000 },
        };

        var response = await Client().PostAsJsonAsync("/api/v1/templates", request);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var created = await Json(response);
        created.EnumerateObject().Select(p => p.Name).Should().Equal("id", "domain_id", "use_case", "name", "system_prompt", "user_prompt_template", "target_model_family", "config", "is_active", "created_at", "updated_at");
        created.GetProperty("user_prompt_template").GetString().Should().Be(request.user_prompt_template);
        created.GetProperty("config").GetRawText().Should().Be("""{"temperature":0.7,"max_tokens":1000}""");
        var id = created.GetProperty("id").GetString();
        (await Json(await Client().GetAsync($"/api/v1/templates/{id}"))).GetProperty("name").GetString().Should().Be("Template Chat Básico");
        (await Json(await Client().GetAsync($"/api/v1/templates?domain_id={domainId}&use_case=chat-training"))).EnumerateArray().Should().ContainSingle(t => t.GetProperty("id").GetString() == id);
        (await Json(await Client().GetAsync($"/api/v1/templates?domain_id={domainId}&use_case=other"))).EnumerateArray().Should().BeEmpty();
        (await Client().GetAsync($"/api/v1/templates/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TemplateWithoutTheContentPlaceholderOrWithMissingFieldsIs422()
    {
        var domain = await CreateDomainAsync();

        var response = await Client().PostAsJsonAsync("/api/v1/templates", new { domain_id = domain.GetProperty("id").GetString(), name = "", system_prompt = "s", user_prompt_template = "no placeholder here" });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var details = (await Json(response)).GetProperty("details");
        details.GetProperty("user_prompt_template").GetString().Should().Contain("{content}");
        details.GetProperty("name").GetString().Should().Contain("between 1 and 100");
        var empty = await Json(await Client().PostAsJsonAsync("/api/v1/templates", new { }));
        empty.GetProperty("details").EnumerateObject().Select(p => p.Name).Should().Contain(["domain_id", "name", "system_prompt", "user_prompt_template"]);
    }

    [Fact]
    public async Task TemplateForAnUnknownDomainIs404()
    {
        var unknown = Guid.NewGuid();

        var response = await Client().PostAsJsonAsync("/api/v1/templates", new { domain_id = unknown, name = "t", system_prompt = "s", user_prompt_template = "{content}" });

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Json(response)).GetProperty("error").GetString().Should().Be($"Domain with id '{unknown}' not found");
    }

    [Fact]
    public async Task DomainsNeedAUserUnlessTheLegacyFlagIsOn()
    {
        (await factory.CreateClient().GetAsync("/api/v1/domains")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}

public sealed class SqliteDomainsAndTemplatesTests(ForgeApiFactory factory) : DomainsAndTemplatesContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresDomainsAndTemplatesTests(PostgresForgeApiFactory factory) : DomainsAndTemplatesContract(factory), IClassFixture<PostgresForgeApiFactory>;
