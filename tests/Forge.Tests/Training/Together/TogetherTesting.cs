using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Training;
using Forge.Shared.Training.Together;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forge.Tests.Training.Together;

/// <summary>Submissions, providers pointed at the fake, and polling that carries the provider's state from one poll to the next.</summary>
internal static class TogetherTesting
{
    public const string BaseModel = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference";

    private static readonly IHttpClientFactory HttpClients =
        new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    public static byte[] Export { get; } = Encoding.UTF8.GetBytes(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"What is the delivery time?\"},{\"role\":\"assistant\",\"content\":\"Five business days.\"}]}\n" +
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Can I return it?\"},{\"role\":\"assistant\",\"content\":\"Within 30 days.\"}]}\n");

    public static TogetherTrainingProvider Provider(Uri baseUrl, string? apiKey = FakeTogetherServer.ApiKey, TimeProvider? timeProvider = null, int timeoutSeconds = 30) =>
        new(HttpClients, Options.Create(new TogetherTrainingOptions { ApiKey = apiKey, BaseUrl = baseUrl.ToString(), RequestTimeoutSeconds = timeoutSeconds }),
            timeProvider ?? TimeProvider.System);

    public static TrainingSubmission Submission(string method = "sft", JsonObject? hyperparameters = null, Guid? jobId = null) =>
        TrainingTestData.Submission(Export, BaseModel, method, hyperparameters, jobId);

    public static Task<List<TrainingSnapshot>> PollAsync(ITrainingProvider provider, TrainingSubmitted submitted, int times) =>
        TrainingTestData.PollAsync(provider, submitted, times);
}
