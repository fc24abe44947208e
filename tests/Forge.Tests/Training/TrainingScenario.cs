using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Tests.Datasets;

namespace Forge.Tests.Training;

/// <summary>A registered model and a dataset with a completed chat export of at least ten approved items.</summary>
public sealed class TrainingScenario(HttpClient client)
{
    public Guid ModelId { get; private set; }
    public Guid DatasetId { get; private set; }
    public Guid ExportId { get; private set; }

    public async Task<TrainingScenario> ReadyAsync(string provider = "local", object? exportBody = null)
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        DatasetId = await scenario.CreateDatasetAsync("extractive", new { items_per_segment = 6 });
        await scenario.GenerateAsync(DatasetId);
        var pending = await scenario.PendingAsync(DatasetId);
        pending.Should().HaveCountGreaterThanOrEqualTo(10);
        foreach (var item in pending)
        {
            await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/dataset/review/{item.GetProperty("id").GetGuid()}/approve", new { }), HttpStatusCode.OK);
        }
        var export = await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/datasets/{DatasetId}/export", exportBody ?? new { format = "jsonl" }), HttpStatusCode.OK);
        ExportId = export.GetProperty("id").GetGuid();
        ModelId = await CreateModelAsync($"VR Chat Fine-tuned {Guid.NewGuid():N}"[..30], provider);
        return this;
    }

    public async Task<Guid> CreateModelAsync(string name, string provider = "local")
    {
        var model = await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/models", new
        {
            name,
            base_model = "llama-3.1-8b-instruct",
            provider,
            model_family = "llama",
            version = "1.0",
            config = new { max_tokens = 4096 },
            capabilities = new { supports_functions = true, supports_vision = false },
        }), HttpStatusCode.Created);
        return model.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> StartJobAsync(string provider = "local", object? hyperparameters = null, Guid? exportId = null) =>
        await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/training-jobs", new
        {
            model_id = ModelId,
            dataset_id = DatasetId,
            dataset_export_id = exportId,
            provider,
            hyperparameters = hyperparameters ?? new { learning_rate = 2e-5, epochs = 3, batch_size = 8 },
        }), HttpStatusCode.Created);

    public async Task<JsonElement> JobAsync(Guid jobId) => await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training-jobs/{jobId}"), HttpStatusCode.OK);

    public Task<JsonElement> WaitForEndAsync(Guid jobId) =>
        Infrastructure.Poll.UntilAsync(() => JobAsync(jobId), j => j.GetProperty("status").GetString() is "completed" or "failed" or "cancelled",
            $"training job {jobId} to end", TimeSpan.FromSeconds(90));
}
