using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training.AzureMl;

public sealed class AzureMlSubmissionTests : AzureMlHarness
{
    [Fact]
    public async Task SubmissionPutsACommandJobThatDownloadsTheSignedExport()
    {
        var submitted = await Provider().SubmitAsync(Submission(), CancellationToken.None);

        var put = JobRequests("PUT").Should().ContainSingle().Subject;
        put.Path.Should().Be($"{WorkspacePath}/jobs/{JobName}");
        put.Query.Should().Be("?api-version=2026-09-01");
        var properties = put.Body!["properties"]!.AsObject();
        properties["jobType"]!.GetValue<string>().Should().Be("Command");
        properties["command"]!.GetValue<string>().Should().Be("python train.py --data ${{inputs.training_data}} --out ${{outputs.model}}");
        properties["environmentId"]!.GetValue<string>().Should().Be($"{WorkspacePath}/environments/acpt-llm/versions/3");
        properties["computeId"]!.GetValue<string>().Should().Be($"{WorkspacePath}/computes/gpu-cluster");
        properties["experimentName"]!.GetValue<string>().Should().Be("forge");
        properties["displayName"]!.GetValue<string>().Should().Be(JobName);
        var input = properties["inputs"]!["training_data"]!;
        input["jobInputType"]!.GetValue<string>().Should().Be("uri_file");
        input["uri"]!.GetValue<string>().Should().Be(Submission().Data.DownloadUrl.AbsoluteUri);
        properties["outputs"]!["model"]!["jobOutputType"]!.GetValue<string>().Should().Be("uri_folder");
        properties["tags"]!["forge_job_id"]!.GetValue<string>().Should().Be(JobId.ToString());
        properties["tags"]!["forge_base_model"]!.GetValue<string>().Should().Be("meta-llama/Llama-3.2-1B-Instruct");
        properties["environmentVariables"]!["FORGE_METHOD"]!.GetValue<string>().Should().Be("sft");
        JsonNode.Parse(properties["environmentVariables"]!["FORGE_HYPERPARAMETERS"]!.GetValue<string>())!["n_epochs"]!.GetValue<int>().Should().Be(2);
        submitted.ExternalJobId.Should().Be(JobName);
        submitted.State["arm_id"]!.GetValue<string>().Should().Be($"{WorkspacePath}/jobs/{JobName}");
    }

    [Fact]
    public async Task RegistryEnvironmentsAndComputeIdsAreSentAsTheyAre()
    {
        const string environment = "azureml://registries/azureml/environments/acpt-pytorch-2.2-cuda12.1/versions/9";
        const string compute = "/subscriptions/other/resourceGroups/gpu/providers/Microsoft.MachineLearningServices/workspaces/shared/computes/a100";

        await Provider(o => (o.Environment, o.Compute) = (environment, compute)).SubmitAsync(Submission(), CancellationToken.None);

        var properties = JobRequests("PUT").Single().Body!["properties"]!;
        properties["environmentId"]!.GetValue<string>().Should().Be(environment);
        properties["computeId"]!.GetValue<string>().Should().Be(compute);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(409)]
    [InlineData(200)]
    public async Task ResubmittingFindsTheJobTheFirstSubmissionCreated(int existingJobAnswer)
    {
        Server.ExistingJobPutStatus = existingJobAnswer;
        var provider = Provider();
        var first = await provider.SubmitAsync(Submission("first-signature"), CancellationToken.None);

        // A retried activity signs a fresh download URL, so its PUT differs from the first.
        var second = await Provider().SubmitAsync(Submission("second-signature"), CancellationToken.None);

        second.ExternalJobId.Should().Be(first.ExternalJobId);
        second.State["arm_id"]!.GetValue<string>().Should().Be(first.State["arm_id"]!.GetValue<string>());
        Server.Jobs.Should().ContainSingle();
        Server.Jobs.Single().Properties!["inputs"]!["training_data"]!["uri"]!.GetValue<string>().Should().Contain("first-signature");
    }

    [Fact]
    public async Task JobOfTheSameNameMadeForSomethingElseIsAPermanentError()
    {
        Server.AddJob(JobName, "Running", new JsonObject { ["forge_job_id"] = Guid.NewGuid().ToString() });

        var submit = () => Provider().SubmitAsync(Submission(), CancellationToken.None);

        (await submit.Should().ThrowAsync<PermanentActivityException>()).WithMessage($"*already has a job named {JobName}*");
    }

    [Fact]
    public async Task RequestsCarryATokenIssuedToTheConfiguredServicePrincipalForArm()
    {
        var provider = Provider();
        var handle = await SubmitAsync(provider);
        await provider.GetStatusAsync(handle, CancellationToken.None);
        await provider.CancelAsync(handle, CancellationToken.None);

        Server.Requests.Should().HaveCount(3).And.OnlyContain(r => r.Authorization!.StartsWith("Bearer fake-arm-token-", StringComparison.Ordinal));
        var token = Server.TokenRequests.Should().ContainSingle("the token is cached between requests").Subject.Body!;
        token["tenant"]!.GetValue<string>().Should().Be(FakeAzureMlServer.TenantId);
        token["client_id"]!.GetValue<string>().Should().Be(FakeAzureMlServer.ClientId);
        token["grant_type"]!.GetValue<string>().Should().Be("client_credentials");
        token["scope"]!.GetValue<string>().Should().Be($"https://127.0.0.1:{Server.BaseUrl.Port}/.default");
    }

    [Fact]
    public async Task WrongClientSecretIsAPermanentErrorNamingTheCredentialSettings()
    {
        var submit = () => Provider(o => o.ClientSecret = "not-the-secret").SubmitAsync(Submission(), CancellationToken.None);

        (await submit.Should().ThrowAsync<PermanentActivityException>()).WithMessage("*AADSTS7000215*ClientSecret*");
        Server.Requests.Should().BeEmpty("no ARM request goes out without a token");
    }
}
