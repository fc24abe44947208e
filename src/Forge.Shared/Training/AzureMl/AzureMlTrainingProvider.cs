using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace Forge.Shared.Training.AzureMl;

/// <summary>
/// Trains with Azure Machine Learning command jobs through ARM REST (Jobs - Create Or Update, Get, Cancel). The job's
/// name is Forge's job name, so the external job id is the job name and a repeated submission finds the job the first
/// one created. Metrics: a job's ARM resource carries its status and nothing of the training's figures (those go to
/// the workspace's MLflow tracking, another API), so this provider reports status events and, at the end, progress 1.
/// </summary>
/// <param name="credential">Only for tests and special hosts; by default made from the options.</param>
/// <param name="transport">Only for tests: how requests reach ARM and Entra ID.</param>
public sealed class AzureMlTrainingProvider(
    AzureMlTrainingOptions options,
    TimeProvider timeProvider,
    TokenCredential? credential = null,
    HttpPipelineTransport? transport = null) : ITrainingProvider
{
    public const string ProviderName = "azureml";

    private readonly Lazy<ArmClient> _client = new(() =>
        new ArmClient(ArmClient.CreatePipeline(options, credential ?? CreateCredential(options, transport), transport), timeProvider));

    public string Name => ProviderName;

    public async Task<TrainingSubmitted> SubmitAsync(TrainingSubmission submission, CancellationToken cancellationToken)
    {
        var client = Client();
        var uri = AzureMlResourceIds.Job(options, submission.JobName);
        var put = await client.SendAsync(RequestMethod.Put, uri, AzureMlJob.Body(options, submission), cancellationToken);
        if (put.IsSuccess)
        {
            return Submitted(submission.JobName, put.Body);
        }
        if (!AlreadyExists(put))
        {
            throw client.Failure(put, $"creating job {submission.JobName}");
        }
        // A job's inputs cannot change once it exists, and a retried submission signs a new download URL: Azure ML
        // refuses that PUT, and the job the first attempt created is the one to follow.
        var existing = await client.SendAsync(RequestMethod.Get, uri, null, cancellationToken);
        if (!existing.IsSuccess)
        {
            throw client.Failure(existing, $"reading job {submission.JobName}");
        }
        if (AzureMlJob.Tag(existing.Body, AzureMlJob.ForgeJobIdTag) != submission.JobId.ToString())
        {
            throw new PermanentActivityException(
                $"Workspace {options.Workspace} already has a job named {submission.JobName} that was not made for Forge job {submission.JobId}.");
        }
        return Submitted(submission.JobName, existing.Body);
    }

    public async Task<TrainingSnapshot> GetStatusAsync(TrainingHandle handle, CancellationToken cancellationToken)
    {
        var client = Client();
        var response = await client.SendAsync(RequestMethod.Get, AzureMlResourceIds.Job(options, handle.ExternalJobId), null, cancellationToken);
        if (response.Status == 404)
        {
            throw new PermanentActivityException($"Workspace {options.Workspace} has no job named {handle.ExternalJobId}: it was deleted, or the workspace settings changed.");
        }
        if (!response.IsSuccess)
        {
            throw client.Failure(response, $"reading job {handle.ExternalJobId}");
        }

        var status = AzureMlJob.Status(response.Body) ?? "Unknown";
        var mapped = AzureMlJobStatus.Map(status);
        var state = handle.State.DeepClone().AsObject();
        var events = new List<TrainingEvent>();
        if (ArmClient.Text(state["status"]) != status)
        {
            // Numbered by the change, not stamped with the time seen, so a repeated poll from the same state yields the same ids.
            var sequence = (state["status_changes"] is JsonValue count && count.TryGetValue<int>(out var n) ? n : 0) + 1;
            var now = timeProvider.GetUtcNow().UtcDateTime;
            events.Add(new TrainingEvent($"status-{sequence}-{status}", now, "status", $"Azure ML: {status}",
                new JsonObject { ["azureml_status"] = status, ["status"] = mapped.State }));
            if (mapped.Note is not null)
            {
                events.Add(new TrainingEvent($"message-{sequence}-{status}", now, "message", mapped.Note, new JsonObject { ["azureml_status"] = status }));
            }
            state["status"] = status;
            state["status_changes"] = sequence;
        }

        var succeeded = mapped.State == TrainingState.Succeeded;
        var metrics = succeeded ? new JsonObject { ["progress"] = 1.0 } : new JsonObject();
        return new TrainingSnapshot(
            mapped.State,
            metrics,
            events,
            succeeded ? AzureMlJob.OutputUri(response.Body, handle.ExternalJobId) : null,
            mapped.State == TrainingState.Failed ? FailureMessage(handle.ExternalJobId, response.Body) : null,
            state);
    }

    public async Task CancelAsync(TrainingHandle handle, CancellationToken cancellationToken)
    {
        var client = Client();
        var cancel = await client.SendAsync(RequestMethod.Post, AzureMlResourceIds.Job(options, handle.ExternalJobId, "cancel"), null, cancellationToken);
        // 404: there is no such job to stop.
        if (cancel.IsSuccess || cancel.Status == 404)
        {
            return;
        }
        var failure = client.Failure(cancel, $"cancelling job {handle.ExternalJobId}");
        if (failure is RetryableActivityException)
        {
            throw failure;
        }
        // Azure ML may refuse to cancel a job that has ended, which is no error here.
        var job = await client.SendAsync(RequestMethod.Get, AzureMlResourceIds.Job(options, handle.ExternalJobId), null, cancellationToken);
        if (job.IsSuccess && AzureMlJob.Status(job.Body) is { } status && AzureMlJobStatus.IsFinal(status))
        {
            return;
        }
        throw failure;
    }

    internal static TokenCredential CreateCredential(AzureMlTrainingOptions options, HttpPipelineTransport? transport)
    {
        Uri? authority = string.IsNullOrWhiteSpace(options.AuthorityHost) ? null : new Uri(options.AuthorityHost);
        if (options.UsesClientSecret)
        {
            var secret = new ClientSecretCredentialOptions { DisableInstanceDiscovery = options.DisableInstanceDiscovery };
            secret.AuthorityHost = authority ?? secret.AuthorityHost;
            secret.Transport = transport ?? secret.Transport;
            return new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret, secret);
        }
        var defaults = new DefaultAzureCredentialOptions { DisableInstanceDiscovery = options.DisableInstanceDiscovery };
        defaults.AuthorityHost = authority ?? defaults.AuthorityHost;
        defaults.Transport = transport ?? defaults.Transport;
        if (!string.IsNullOrWhiteSpace(options.ClientId))
        {
            defaults.ManagedIdentityClientId = options.ClientId;
        }
        if (!string.IsNullOrWhiteSpace(options.TenantId))
        {
            defaults.TenantId = options.TenantId;
        }
        return new DefaultAzureCredential(defaults);
    }

    /// <summary>The client once the settings are complete; until then every call fails with what is missing.</summary>
    private ArmClient Client()
    {
        var failures = AzureMlTrainingOptionsValidator.Failures(options).ToList();
        return failures.Count == 0
            ? _client.Value
            : throw new PermanentActivityException("Azure ML training is not configured: " + string.Join(" ", failures));
    }

    /// <summary>
    /// ARM's answer to a PUT that would change an existing job: 409, or 400 with "A job with this name already
    /// exists" (the immutable inputs, outputs and settings).
    /// </summary>
    private static bool AlreadyExists(ArmResponse response) =>
        response.Status == 409
        || (response.Status == 400 && response.Error.Message?.Contains("already exists", StringComparison.OrdinalIgnoreCase) == true);

    private static TrainingSubmitted Submitted(string jobName, JsonObject? job)
    {
        var state = new JsonObject();
        if (ArmClient.Text(job?["id"]) is { } id)
        {
            state["arm_id"] = id;
        }
        if (AzureMlJob.StudioUrl(job) is { } studio)
        {
            state["studio_url"] = studio;
        }
        return new TrainingSubmitted(jobName, state);
    }

    private static string FailureMessage(string jobName, JsonObject? job)
    {
        var studio = AzureMlJob.StudioUrl(job);
        return $"Azure ML reports job {jobName} as Failed." + (studio is null ? "" : $" Its logs are in Azure ML studio: {studio}");
    }
}
