using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training;

/// <summary>Seed 001's Models and Training Jobs sections: shapes, filters and every refusal. On each database.</summary>
public abstract class ModelsAndJobsContract(ForgeApiFactory factory)
{
    private readonly HttpClient client = factory.CreateAuthenticatedClient();

    [Fact]
    public async Task RegisteringAModelAnswersTheSeedShape()
    {
        var domain = await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/domains", new { name = "Lex", slug = $"lex-{Guid.NewGuid():N}"[..20] }), HttpStatusCode.Created);
        var domainId = domain.GetProperty("id").GetGuid();
        var name = $"VR Chat Fine-tuned {Guid.NewGuid():N}";

        var response = await client.PostAsJsonAsync("/api/v1/models", new
        {
            domain_id = domainId, name, base_model = "llama-3.1-8b-instruct", provider = "together", model_family = "llama", version = "1.0",
            config = new { max_tokens = 4096 }, capabilities = new { supports_functions = true, supports_vision = false },
        });

        var model = await DatasetScenario.Expect(response, HttpStatusCode.Created);
        model.EnumerateObject().Select(p => p.Name).Should().Equal("id", "domain_id", "name", "base_model", "provider", "model_family", "version", "status",
            "config", "capabilities", "created_at", "updated_at");
        model.GetProperty("status").GetString().Should().Be("registered");
        model.GetProperty("capabilities").GetRawText().Should().Be("""{"supports_functions":true,"supports_vision":false}""");
        var id = model.GetProperty("id").GetGuid();
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/models/{id}"), HttpStatusCode.OK)).GetProperty("name").GetString().Should().Be(name);
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/models?domain_id={domainId}&provider=together"), HttpStatusCode.OK))
            .EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).Should().Equal(id);
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/models?domain_id={domainId}&provider=openai"), HttpStatusCode.OK)).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task BadModelsAreRefused()
    {
        var name = $"Único {Guid.NewGuid():N}";
        await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/models", new { name, base_model = "b", provider = "local" }), HttpStatusCode.Created);

        var duplicate = await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/models", new { name, base_model = "b", provider = "local" }), HttpStatusCode.UnprocessableEntity);
        var invalid = await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/models", new { name = new string('n', 201) }), HttpStatusCode.UnprocessableEntity);

        duplicate.GetProperty("details").GetProperty("name").GetString().Should().Contain("already exists");
        invalid.GetProperty("details").GetProperty("name").GetString().Should().Contain("200");
        invalid.GetProperty("details").GetProperty("base_model").GetString().Should().Be("Field required");
        invalid.GetProperty("details").GetProperty("provider").GetString().Should().Be("Field required");
        (await client.PostAsJsonAsync("/api/v1/models", new { name = "x", base_model = "b", provider = "local", domain_id = Guid.NewGuid() })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/v1/models/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("$(id > /tmp/forge-pwned)")]
    [InlineData("`id`")]
    [InlineData("llama'; id; '")]
    [InlineData("llama 3")]
    [InlineData("-rf")]
    [InlineData("llama\n3")]
    [InlineData("https://evil.example/?a=b&c")]
    public async Task ABaseModelWithCharactersOutsideAnIdsIsRefusedOnRegistrationAndUpdate(string baseModel)
    {
        // Issue 10: it reached the local provider's command line; a shell read it when the command quoted the placeholder.
        var name = $"Injected {Guid.NewGuid():N}";
        var existing = await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/models", new { name = $"{name} ok", base_model = "meta-llama/Llama-3.2-1B", provider = "local" }), HttpStatusCode.Created);
        var modelId = existing.GetProperty("id").GetGuid();

        var registration = await client.PostAsJsonAsync("/api/v1/models", new { name, base_model = baseModel, provider = "local" });
        var update = await client.PutAsJsonAsync($"/api/v1/models/{modelId}", new { base_model = baseModel, version = "2" });

        foreach (var refused in new[] { registration, update })
        {
            var error = await DatasetScenario.Expect(refused, HttpStatusCode.UnprocessableEntity);
            error.EnumerateObject().Select(p => p.Name).Should().Equal("error", "details", "request_id");
            error.GetProperty("details").GetProperty("base_model").GetString().Should().Contain("A-Z a-z 0-9 . _ / : @ + -");
        }
        var models = await DatasetScenario.Expect(await client.GetAsync("/api/v1/models?provider=local"), HttpStatusCode.OK);
        models.EnumerateArray().Should().NotContain(m => m.GetProperty("name").GetString() == name, "a refused registration writes nothing");
        var kept = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/models/{modelId}"), HttpStatusCode.OK);
        kept.GetProperty("base_model").GetString().Should().Be("meta-llama/Llama-3.2-1B");
        kept.GetProperty("version").ValueKind.Should().Be(JsonValueKind.Null, "a refused update changes nothing");
    }

    [Fact]
    public async Task ProviderModelIdsAndCheckpointPathsAreAcceptedAndTheBaseModelIsFixedOnceRegistered()
    {
        var ids = new[] { "ft:gpt-4o-mini-2024-07-18:org::AbC123", "/models/llama-3.1-8b@v2+lora", "Qwen/Qwen2.5-7B-Instruct_v1.0" };
        var created = new List<Guid>();
        foreach (var id in ids)
        {
            var model = await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/models",
                new { name = $"{id} {Guid.NewGuid():N}", base_model = id, provider = "local" }), HttpStatusCode.Created);
            model.GetProperty("base_model").GetString().Should().Be(id);
            created.Add(model.GetProperty("id").GetGuid());
        }

        var same = await client.PutAsJsonAsync($"/api/v1/models/{created[0]}", new { base_model = ids[0], version = "2" });
        var other = await client.PutAsJsonAsync($"/api/v1/models/{created[0]}", new { base_model = ids[1] });

        (await DatasetScenario.Expect(same, HttpStatusCode.OK)).GetProperty("version").GetString().Should().Be("2");
        (await DatasetScenario.Expect(other, HttpStatusCode.UnprocessableEntity)).GetProperty("details").GetProperty("base_model").GetString()
            .Should().Contain("Cannot be changed");
    }

    [Fact]
    public async Task AModelIsArchivedAndRestoredAndCannotTrainWhileArchived()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();

        var archived = await DatasetScenario.Expect(await client.PutAsJsonAsync($"/api/v1/models/{scenario.ModelId}",
            new { status = "archived", version = "1.1", config = new { temperature = 0.2 } }), HttpStatusCode.OK);
        var refused = await client.PostAsJsonAsync("/api/v1/training-jobs", new { model_id = scenario.ModelId, dataset_id = scenario.DatasetId, provider = "local" });
        var invalid = await client.PutAsJsonAsync($"/api/v1/models/{scenario.ModelId}", new { status = "training" });
        var restored = await DatasetScenario.Expect(await client.PutAsJsonAsync($"/api/v1/models/{scenario.ModelId}", new { status = "registered" }), HttpStatusCode.OK);

        archived.GetProperty("status").GetString().Should().Be("archived");
        archived.GetProperty("version").GetString().Should().Be("1.1");
        archived.GetProperty("config").GetRawText().Should().Be("""{"max_tokens":4096,"temperature":0.2}""", "config is merged key by key");
        (await DatasetScenario.Expect(refused, HttpStatusCode.Conflict)).GetProperty("error").GetString().Should().Contain("archived");
        (await DatasetScenario.Expect(invalid, HttpStatusCode.UnprocessableEntity)).GetProperty("details").TryGetProperty("status", out _).Should().BeTrue();
        restored.GetProperty("status").GetString().Should().Be("registered");
        (await client.PutAsJsonAsync($"/api/v1/models/{Guid.NewGuid()}", new { name = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TrainingJobRequestsAreChecked()
    {
        var scenario = await new TrainingScenario(client).ReadyAsync();
        async Task<JsonElement> Refused(object body, HttpStatusCode status) =>
            await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/training-jobs", body), status);

        (await Refused(new { model_id = Guid.NewGuid(), dataset_id = scenario.DatasetId, provider = "local" }, HttpStatusCode.NotFound))
            .GetProperty("error").GetString().Should().Contain("Model");
        (await Refused(new { model_id = scenario.ModelId, dataset_id = Guid.NewGuid(), provider = "local" }, HttpStatusCode.NotFound))
            .GetProperty("error").GetString().Should().Contain("Dataset");
        (await Refused(new { model_id = scenario.ModelId, dataset_id = scenario.DatasetId, provider = "huggingface" }, HttpStatusCode.UnprocessableEntity))
            .GetProperty("details").GetProperty("provider").GetString().Should().Contain("azureml").And.Contain("together").And.Contain("openai").And.Contain("local");
        (await Refused(new { model_id = scenario.ModelId, dataset_id = scenario.DatasetId, provider = "together" }, HttpStatusCode.UnprocessableEntity))
            .GetProperty("details").GetProperty("provider").GetString().Should().Contain("Forge:Training:Together");
        (await Refused(new { model_id = scenario.ModelId, dataset_id = scenario.DatasetId, provider = "local", hyperparameters = new { epochs = 0, learning_rate = 5 } }, HttpStatusCode.UnprocessableEntity))
            .GetProperty("details").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("hyperparameters.epochs", "hyperparameters.learning_rate");
        (await Refused(new Dictionary<string, object> { ["model_id"] = scenario.ModelId, ["dataset_id"] = scenario.DatasetId, ["provider"] = "local",
                ["hyperparameters"] = new Dictionary<string, object> { ["$(id)"] = 1 } }, HttpStatusCode.UnprocessableEntity))
            .GetProperty("details").GetProperty("hyperparameters").GetString().Should().Contain("A-Z a-z 0-9 . _ -");
        (await Refused(new { provider = "local" }, HttpStatusCode.UnprocessableEntity)).GetProperty("details").GetProperty("model_id").GetString().Should().Be("Field required");
        (await Refused(new { model_id = scenario.ModelId, dataset_id = scenario.DatasetId, provider = "local", dataset_export_id = Guid.NewGuid() }, HttpStatusCode.NotFound))
            .GetProperty("error").GetString().Should().Contain("Export");

        var csv = await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/datasets/{scenario.DatasetId}/export", new { format = "csv" }), HttpStatusCode.OK);
        (await Refused(new { model_id = scenario.ModelId, dataset_id = scenario.DatasetId, provider = "local", dataset_export_id = csv.GetProperty("id").GetGuid() }, HttpStatusCode.UnprocessableEntity))
            .GetProperty("details").GetProperty("dataset_export_id").GetString().Should().Contain("jsonl");
        var other = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var unexported = await other.CreateDatasetAsync("extractive");
        (await Refused(new { model_id = scenario.ModelId, dataset_id = unexported, provider = "local" }, HttpStatusCode.UnprocessableEntity))
            .GetProperty("details").GetProperty("dataset_export_id").GetString().Should().Contain("no completed export");

        (await client.GetAsync("/api/v1/training-jobs?status=finished")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await client.GetAsync($"/api/v1/training-jobs/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/v1/training-jobs/{Guid.NewGuid()}/events")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.PostAsync($"/api/v1/training-jobs/{Guid.NewGuid()}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training-jobs?model_id={scenario.ModelId}"), HttpStatusCode.OK)).GetArrayLength().Should().Be(0,
            "no refused request left a job behind");
    }
}

public sealed class SqliteModelsAndJobsTests(SqliteLocalTrainingFactory factory) : ModelsAndJobsContract(factory), IClassFixture<SqliteLocalTrainingFactory>;

public sealed class PostgresModelsAndJobsTests(PostgresLocalTrainingFactory factory) : ModelsAndJobsContract(factory), IClassFixture<PostgresLocalTrainingFactory>;
