using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Shared.Exports;
using Forge.Shared.Training;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.TrainingJobs;

/// <summary>
/// The TrainingLifecycle's names and the job-row rules its activities share (see <see cref="TrainingOrchestrator"/>
/// for the flow). Names are stable: they are in the history of orchestrations in flight.
/// </summary>
public static class TrainingLifecycle
{
    public const string Orchestrator = "training.lifecycle";
    public const string Validate = "training.validate";
    public const string Submit = "training.submit";
    public const string Poll = "training.poll";
    public const string Cancel = "training.cancel";
    public const string Fail = "training.fail";
    public const string CancelEvent = "cancel";

    public static string InstanceId(Guid jobId) => $"training-{jobId}";

    public static string JobName(Guid jobId) => $"forge-{jobId:N}";

    /// <summary>The training method an export schema feeds, or null when it is not a training format.</summary>
    public static string? MethodFor(string schema) => schema switch
    {
        ExportSchemas.Chat => TrainingMethods.Sft,
        ExportSchemas.Dpo => TrainingMethods.Dpo,
        _ => null,
    };

    /// <summary>What the provider is handed: the job under Forge's name, the model's base, the method the export's schema feeds.</summary>
    public static TrainingSubmission Submission(TrainingJob job, TrainingModel model, DatasetExport export, Uri downloadUrl,
        Func<CancellationToken, Task<Stream>> openRead) =>
        new(job.Id, JobName(job.Id), model.BaseModel, MethodFor(export.Schema) ?? TrainingMethods.Sft, job.Hyperparameters,
            new TrainingData(export.S3Key, $"{JobName(job.Id)}.{export.Format}", export.FileBytes ?? 0, export.FileSha256 ?? "", downloadUrl, openRead, export.ItemCount));

    internal static void AddEvent(ForgeDbContext db, TrainingJob job, string externalId, string kind, string message, DateTime at, JsonObject? data = null) =>
        db.TrainingJobEvents.Add(new TrainingJobEvent
        {
            Id = Guid.CreateVersion7(),
            JobId = job.Id,
            ExternalId = externalId,
            Kind = kind,
            Message = message,
            Data = data,
            At = at,
            CreatedAt = at,
        });

    /// <summary>
    /// Ends the job, saving whatever else the caller changed, and moves its model in the same transaction, under the
    /// model's row lock, so jobs of one model ending together see each other.
    /// </summary>
    internal static async Task EndAsync(ForgeDbContext db, TrainingJob job, string status, string? error, string? fineTunedModel, DateTime now,
        CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        job.Status = status;
        job.ErrorMessage = error;
        job.CompletedAt = now;
        job.UpdatedAt = now;
        if (job.StartedAt is { } started)
        {
            job.Metrics = Merge(job.Metrics, new JsonObject { ["training_time"] = Math.Round((now - started).TotalSeconds) });
        }
        AddEvent(db, job, $"forge:{status}", "status", error is null ? $"Job {status}" : $"Job {status}: {error}", now);
        await db.SaveChangesAsync(ct);
        await MoveModelAsync(db, job.ModelId, job.Id, status, fineTunedModel, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Training while any of its jobs runs; else deployed when a job (this one or an earlier one) produced a model,
    /// else registered. A success records the trained model's id in the model's <c>config</c>.
    /// </summary>
    private static async Task MoveModelAsync(ForgeDbContext db, Guid modelId, Guid jobId, string status, string? fineTunedModel, DateTime now, CancellationToken ct)
    {
        await LockModelAsync(db, modelId, ct);
        var model = await db.Models.FirstAsync(m => m.Id == modelId, ct);
        await db.Entry(model).ReloadAsync(ct);
        if (status == TrainingJobStatus.Completed)
        {
            model.Config = Merge(model.Config, new JsonObject { ["fine_tuned_model"] = fineTunedModel, ["training_job_id"] = jobId.ToString() });
        }
        var othersRunning = await db.TrainingJobs.AnyAsync(j => j.ModelId == modelId && j.Id != jobId && j.Status == TrainingJobStatus.Running, ct);
        model.Status = othersRunning ? ModelStatus.Training
            : model.Config["fine_tuned_model"] is not null ? ModelStatus.Deployed : ModelStatus.Registered;
        model.UpdatedAt = now;
    }

    /// <summary>
    /// Serializes the changes of one model: a no-op update takes its row lock until the caller's transaction ends, so
    /// jobs ending together and an archive see each other's changes.
    /// </summary>
    internal static Task LockModelAsync(ForgeDbContext db, Guid modelId, CancellationToken ct) =>
        db.Models.Where(m => m.Id == modelId).ExecuteUpdateAsync(s => s.SetProperty(m => m.UpdatedAt, m => m.UpdatedAt), ct);

    /// <summary>A copy of <paramref name="current"/> with <paramref name="update"/>'s keys set, as a new object so EF sees the JSON column change.</summary>
    internal static JsonObject Merge(JsonObject current, JsonObject update)
    {
        var merged = current.DeepClone().AsObject();
        foreach (var (key, value) in update)
        {
            merged[key] = value?.DeepClone();
        }
        return merged;
    }
}
