using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Training;
using Forge.Shared.Training.OpenAi;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Forge.Tests.Training.OpenAi;

/// <summary>Submissions, providers pointed at the fake, and polling that carries the provider's state from one poll to the next.</summary>
internal static class OpenAiTesting
{
    public const string BaseModel = "gpt-4o-mini-2024-07-18";

    public static byte[] Export { get; } = Encoding.UTF8.GetBytes(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"What is the delivery time?\"},{\"role\":\"assistant\",\"content\":\"Five business days.\"}]}\n");

    public static OpenAiTrainingProvider Provider(Uri baseUrl, string? apiKey = FakeOpenAiFineTuningServer.ApiKey, TimeProvider? timeProvider = null) =>
        new(Options.Create(new OpenAiTrainingOptions { ApiKey = apiKey, BaseUrl = baseUrl.ToString(), RequestTimeoutSeconds = 30 }), timeProvider ?? TimeProvider.System);

    public static TrainingSubmission Submission(string method = "sft", JsonObject? hyperparameters = null, Guid? jobId = null)
    {
        var id = jobId ?? Guid.NewGuid();
        var bytes = Export;
        var data = new TrainingData(
            $"exports/{id}/v1/dataset.jsonl", "dataset.jsonl", bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)),
            new Uri("http://localhost/x"), _ => Task.FromResult<Stream>(new MemoryStream(bytes)));
        return new TrainingSubmission(id, $"forge-{id}", BaseModel, method, hyperparameters ?? [], data);
    }

    /// <summary>Polls <paramref name="times"/> times, each with the state the previous poll returned, as Forge does.</summary>
    public static async Task<List<TrainingSnapshot>> PollAsync(ITrainingProvider provider, TrainingSubmitted submitted, int times)
    {
        var snapshots = new List<TrainingSnapshot>();
        var state = submitted.State;
        for (var i = 0; i < times; i++)
        {
            var snapshot = await provider.GetStatusAsync(new TrainingHandle(submitted.ExternalJobId, state), default);
            snapshots.Add(snapshot);
            state = snapshot.State;
        }
        return snapshots;
    }
}
