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

    public static TrainingSubmission Submission(string method = "sft", JsonObject? hyperparameters = null, Guid? jobId = null) =>
        TrainingTestData.Submission(Export, BaseModel, method, hyperparameters, jobId);

    public static Task<List<TrainingSnapshot>> PollAsync(ITrainingProvider provider, TrainingSubmitted submitted, int times) =>
        TrainingTestData.PollAsync(provider, submitted, times);
}
