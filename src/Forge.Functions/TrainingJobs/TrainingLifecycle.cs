using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Shared.Exports;
using Forge.Shared.Storage;
using Forge.Shared.Training;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.TrainingJobs;

public sealed record TrainingInput(Guid JobId);

/// <summary>
/// The TrainingLifecycle orchestration: <c>validate</c> checks the export against the provider's rules,
/// <c>submit</c> hands it to the provider under Forge's job name (idempotent), <c>poll</c> records status, events
/// and metrics and waits on a durable timer until the job ends, then moves the model. A restart resumes at the
/// next poll; nothing is submitted twice.
/// </summary>
public static class TrainingLifecycle
{
    public const string RunType = "training.lifecycle";
    public const string Validate = "training.validate";
    public const string Submit = "training.submit";
    public const string Poll = "training.poll";
    public const string CancelRunType = "training.cancel";
    public const string Cancel = "training.cancel";

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
    /// Ends the job and moves its model. From an activity (<paramref name="context"/> given) the model moves inside the
    /// completing transaction, under the model's row lock, so jobs of one model ending together see each other.
    /// </summary>
    internal static async Task EndAsync(ForgeDbContext db, TrainingJob job, string status, string? error, string? fineTunedModel, DateTime now,
        ActivityContext? context, CancellationToken ct)
    {
        job.Status = status;
        job.ErrorMessage = error;
        job.CompletedAt = now;
        job.UpdatedAt = now;
        if (job.StartedAt is { } started)
        {
            job.Metrics = Merge(job.Metrics, new JsonObject { ["training_time"] = Math.Round((now - started).TotalSeconds) });
        }
        AddEvent(db, job, $"forge:{status}", "status", error is null ? $"Job {status}" : $"Job {status}: {error}", now);
        var (modelId, jobId) = (job.ModelId, job.Id);
        if (context is null)
        {
            await MoveModelAsync(db, modelId, jobId, status, fineTunedModel, now, ct);
        }
        else
        {
            context.OnCommit((commitDb, commitCt) => MoveModelAsync(commitDb, modelId, jobId, status, fineTunedModel, now, commitCt));
        }
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

/// <summary>Checks the export before anything is sent; a broken one fails the job at once with the lines and rules broken.</summary>
public sealed class ValidateTrainingDataActivity(ForgeDbContext db, IBlobStore blobs, IOptions<TrainingOptions> options, TimeProvider time) : IActivity
{
    public async Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == context.GetInput<TrainingInput>().JobId, cancellationToken);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status))
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (job.CancelRequested)
        {
            await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Cancelled, null, null, now, context, cancellationToken);
            return;
        }
        var export = await db.DatasetExports.AsNoTracking().FirstAsync(e => e.Id == job.DatasetExportId, cancellationToken);
        var model = await db.Models.AsNoTracking().FirstAsync(m => m.Id == job.ModelId, cancellationToken);
        var rules = new TrainingRules(
            TrainingLifecycle.MethodFor(export.Schema) ?? TrainingMethods.Sft,
            options.Value.MinExamples,
            model.Config["max_tokens"] is JsonValue limit && limit.TryGetValue<int>(out var tokens) && tokens > 0 ? tokens : options.Value.MaxTokensPerExample);

        TrainingDataReport report;
        await using (var blob = await blobs.OpenReadAsync(export.S3Key, cancellationToken))
        {
            report = await TrainingDataValidator.ValidateAsync(blob.Content, rules, cancellationToken);
        }
        if (!report.IsValid)
        {
            await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Failed, report.Describe(), null, now, context, cancellationToken);
            return;
        }
        TrainingLifecycle.AddEvent(db, job, "forge:validated", "status", $"Training data checked: {report.Examples} {rules.Method} examples", now);
        context.Schedule(TrainingLifecycle.Submit, context.GetInput<TrainingInput>());
    }
}

/// <summary>Hands the export to the provider under Forge's job name; a retry finds the job the first attempt created.</summary>
public sealed class SubmitTrainingActivity(ForgeDbContext db, IBlobStore blobs, TrainingProviders providers, IOptions<TrainingOptions> options, TimeProvider time) : IActivity
{
    public async Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<TrainingInput>();
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == input.JobId, cancellationToken);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status))
        {
            return;
        }
        if (job.CancelRequested)
        {
            await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Cancelled, null, null, time.GetUtcNow().UtcDateTime, context, cancellationToken);
            return;
        }
        var export = await db.DatasetExports.AsNoTracking().FirstAsync(e => e.Id == job.DatasetExportId, cancellationToken);
        var model = await db.Models.FirstAsync(m => m.Id == job.ModelId, cancellationToken);
        var submission = TrainingLifecycle.Submission(job, model, export, blobs.GetDownloadUrl(export.S3Key, TimeSpan.FromHours(options.Value.DataUrlHours)),
            async ct => (await blobs.OpenReadAsync(export.S3Key, ct)).Content);

        var submitted = await providers.Get(job.Provider).SubmitAsync(submission, cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        job.ExternalJobId = submitted.ExternalJobId;
        job.ProviderState = submitted.State;
        job.Status = TrainingJobStatus.Running;
        job.StartedAt ??= now;
        job.UpdatedAt = now;
        model.Status = ModelStatus.Training;
        model.UpdatedAt = now;
        TrainingLifecycle.AddEvent(db, job, "forge:running", "status", $"Submitted to {job.Provider} as {submitted.ExternalJobId}", now);
        context.Schedule(TrainingLifecycle.Poll, input, TimeSpan.FromMilliseconds(options.Value.PollIntervalMs));
    }
}
