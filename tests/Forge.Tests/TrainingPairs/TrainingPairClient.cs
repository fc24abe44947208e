using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Tests.Datasets;

namespace Forge.Tests.TrainingPairs;

/// <summary>The calls the tests make, over HTTP, as one user.</summary>
public sealed class TrainingPairClient(HttpClient client)
{
    public HttpClient Http => client;

    public async Task<JsonElement> ImportAsync(string jsonl, string? prefix = null)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(jsonl)), "file", "pairs.jsonl" } };
        if (prefix is not null)
        {
            form.Add(new StringContent(prefix), "pair_id_prefix");
        }
        return await DatasetScenario.Expect(await client.PostAsync("/api/v1/training/import", form), HttpStatusCode.OK);
    }

    public async Task<List<Guid>> ImportIdsAsync(string jsonl)
    {
        var report = await ImportAsync(jsonl);
        report.GetProperty("failed").GetInt32().Should().Be(0, report.ToString());
        return report.GetProperty("ids").EnumerateArray().Select(i => i.GetGuid()).ToList();
    }

    public async Task<JsonElement> GetAsync(Guid id) => await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training/{id}"), HttpStatusCode.OK);

    public async Task<JsonElement> ApproveAsync(Guid id) =>
        await DatasetScenario.Expect(await client.PostAsync($"/api/v1/training/{id}/approve", null), HttpStatusCode.OK);

    public async Task<JsonElement> QueueAsync(string query = "") =>
        await DatasetScenario.Expect(await client.GetAsync($"/api/v1/training/queue{query}"), HttpStatusCode.OK);

    public async Task<(HttpResponseMessage Response, string Body)> ExportAsync()
    {
        var response = await client.GetAsync("/api/v1/training/export/jsonl");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (response, new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
    }

    public async Task<JsonElement> PatchAsync(string path, string json, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await DatasetScenario.Expect(await client.PatchAsync(path, content), expected);
    }

    public async Task<JsonElement> CreateAsync(object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        await DatasetScenario.Expect(await client.PostAsJsonAsync("/api/v1/training", body), expected);
}
