using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Training;
using Forge.Shared.Training.AzureMl;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training.AzureMl;

/// <summary>
/// The fake ARM and Entra ID server, and providers pointed at it that sign in as a real
/// <c>ClientSecretCredential</c> would, with the service principal the fake knows.
/// </summary>
public abstract class AzureMlHarness : IAsyncLifetime
{
    public const string SubscriptionId = "00000000-1111-2222-3333-444444444444";
    public const string JobName = "forge-3f2b9c1e";

    protected static readonly Guid JobId = Guid.Parse("3f2b9c1e-0000-4000-8000-000000000001");

    protected FakeAzureMlServer Server { get; private set; } = null!;

    protected string WorkspacePath => $"/subscriptions/{SubscriptionId}/resourceGroups/forge-rg/providers/Microsoft.MachineLearningServices/workspaces/forge-ws";

    public async Task InitializeAsync() => Server = await FakeAzureMlServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected AzureMlTrainingOptions Options(Action<AzureMlTrainingOptions>? change = null)
    {
        var options = new AzureMlTrainingOptions
        {
            SubscriptionId = SubscriptionId,
            ResourceGroup = "forge-rg",
            Workspace = "forge-ws",
            Compute = "gpu-cluster",
            Environment = "azureml:acpt-llm:3",
            Command = "python train.py --data ${{inputs.training_data}} --out ${{outputs.model}}",
            ArmEndpoint = Server.BaseUrl.ToString(),
            AuthorityHost = Server.BaseUrl.ToString(),
            DisableInstanceDiscovery = true,
            TenantId = FakeAzureMlServer.TenantId,
            ClientId = FakeAzureMlServer.ClientId,
            ClientSecret = FakeAzureMlServer.ClientSecret,
        };
        change?.Invoke(options);
        return options;
    }

    protected AzureMlTrainingProvider Provider(Action<AzureMlTrainingOptions>? change = null) =>
        new(Options(change), TimeProvider.System, transport: Server.Transport());

    protected static TrainingSubmission Submission(string signature = "sig1") => new(
        JobId, JobName, "meta-llama/Llama-3.2-1B-Instruct", "sft", new JsonObject { ["n_epochs"] = 2 },
        new TrainingData("exports/e1/train.jsonl", "train.jsonl", 12, "ab12", new Uri($"https://forge.example.com/blobs/exports/e1/train.jsonl?exp=1&sig={signature}"),
            _ => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes("{}\n")))));

    protected async Task<TrainingHandle> SubmitAsync(AzureMlTrainingProvider provider)
    {
        var submitted = await provider.SubmitAsync(Submission(), CancellationToken.None);
        return new TrainingHandle(submitted.ExternalJobId, submitted.State);
    }

    protected IReadOnlyList<FakeArmRequest> JobRequests(string method) => Server.Requests.Where(r => r.Method == method).ToList();
}
