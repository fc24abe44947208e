using Forge.Shared.Durable;
using System.Text.Json.Nodes;

namespace Forge.Shared.Training;

/// <summary>
/// A place that trains models: <c>azureml</c>, <c>together</c>, <c>openai</c>, <c>local</c>. The TrainingLifecycle
/// orchestration calls it from activities, which run at least once, so <see cref="SubmitAsync"/> must be idempotent
/// for a given <see cref="TrainingSubmission.JobName"/>: a second call finds the job the first one created.
/// Failures: <see cref="Forge.Shared.Durable.RetryableActivityException"/> for 408/429/5xx and network errors (with
/// Retry-After), <see cref="Forge.Shared.Durable.PermanentActivityException"/> for what a retry cannot fix.
/// </summary>
public interface ITrainingProvider
{
    string Name { get; }

    Task<TrainingSubmitted> SubmitAsync(TrainingSubmission submission, CancellationToken cancellationToken);

    /// <summary>The job's state now, with the events and metric points that came after <see cref="TrainingHandle.State"/>'s cursor.</summary>
    Task<TrainingSnapshot> GetStatusAsync(TrainingHandle handle, CancellationToken cancellationToken);

    /// <summary>Asks the provider to stop the job; cancelling a job that has already ended is not an error.</summary>
    Task CancelAsync(TrainingHandle handle, CancellationToken cancellationToken);

    /// <summary>
    /// What this provider would refuse in <paramref name="submission"/> (a hyperparameter it does not take, a method it
    /// cannot train), checked when the job is created so the caller gets a 422 instead of a failed job; null when fine.
    /// </summary>
    string? Check(TrainingSubmission submission) => null;
}

/// <param name="JobName">Chosen by Forge (<c>forge-{job id}</c>) and stable across retries: the idempotency key.</param>
/// <param name="Method"><c>sft</c> (chat examples) or <c>dpo</c> (preference pairs).</param>
public sealed record TrainingSubmission(
    Guid JobId,
    string JobName,
    string BaseModel,
    string Method,
    JsonObject Hyperparameters,
    TrainingData Data);

/// <summary>The export file to train on: readable as a stream (to upload), as a signed URL (for services that fetch it), and as its hash.</summary>
/// <param name="Examples">Lines in the file (0 when unknown), for providers that turn step counts into shares of the run.</param>
public sealed record TrainingData(
    string BlobKey,
    string FileName,
    long Bytes,
    string Sha256,
    Uri DownloadUrl,
    Func<CancellationToken, Task<Stream>> OpenReadAsync,
    int Examples = 0);

/// <param name="State">What the provider needs to find the job again (a process id, a log offset, an uploaded file id); saved by Forge.</param>
public sealed record TrainingSubmitted(string ExternalJobId, JsonObject State);

/// <param name="State">The provider's saved state, including its event cursor; returned updated in <see cref="TrainingSnapshot.State"/>.</param>
public sealed record TrainingHandle(string ExternalJobId, JsonObject State);

public static class TrainingState
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsTerminal(string state) => state is Succeeded or Failed or Cancelled;
}

/// <param name="Status">One of <see cref="TrainingState"/>.</param>
/// <param name="Metrics">The latest figures: <c>loss</c>, <c>epoch</c>, <c>step</c>, <c>progress</c> (0..1), and final ones at the end.</param>
/// <param name="FineTunedModel">The provider's id of the trained model once it succeeded.</param>
public sealed record TrainingSnapshot(
    string Status,
    JsonObject Metrics,
    IReadOnlyList<TrainingEvent> Events,
    string? FineTunedModel,
    string? Error,
    JsonObject State);

/// <param name="Id">Unique per job at the provider, so a repeated poll does not record an event twice.</param>
/// <param name="Kind"><c>status</c>, <c>message</c> or <c>metrics</c>.</param>
public sealed record TrainingEvent(string Id, DateTime At, string Kind, string Message, JsonObject? Data = null);
