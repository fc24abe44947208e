using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Shared.Storage;
using Forge.Shared.Training;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.TrainingJobs;

/// <summary>What a step of the lifecycle tells the orchestrator: the job has ended, or look again after this many seconds.</summary>
public sealed record TrainingStep(bool Ended, int NextPollSeconds)
{
    public static TrainingStep Done { get; } = new(true, 0);

    public static TrainingStep Next(TrainingOptions options) => new(false, TrainingOrchestrator.WholeSeconds(options.PollIntervalMs));
}

/// <summary>Checks the export before anything is sent; a broken one fails the job at once with the lines and rules broken.</summary>
public sealed class ValidateTrainingDataActivity(ForgeDbContext db, IBlobStore blobs, IOptions<TrainingOptions> options, TimeProvider time)
    : TaskActivity<Guid, TrainingStep>
{
    private const string ValidatedEvent = "forge:validated";

    public override async Task<TrainingStep> RunAsync(TaskActivityContext context, Guid jobId)
    {
        var ct = CancellationToken.None;
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status))
        {
            return TrainingStep.Done;
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (job.CancelRequested)
        {
            await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Cancelled, null, null, now, ct);
            return TrainingStep.Done;
        }
        // At least once: a run whose first attempt committed finds its event and goes on.
        if (await db.TrainingJobEvents.AnyAsync(e => e.JobId == job.Id && e.ExternalId == ValidatedEvent, ct))
        {
            return TrainingStep.Next(options.Value);
        }
        var export = await db.DatasetExports.AsNoTracking().FirstAsync(e => e.Id == job.DatasetExportId, ct);
        var model = await db.Models.AsNoTracking().FirstAsync(m => m.Id == job.ModelId, ct);
        var rules = new TrainingRules(
            TrainingLifecycle.MethodFor(export.Schema) ?? TrainingMethods.Sft,
            options.Value.MinExamples,
            model.Config["max_tokens"] is JsonValue limit && limit.TryGetValue<int>(out var tokens) && tokens > 0 ? tokens : options.Value.MaxTokensPerExample);

        TrainingDataReport report;
        await using (var blob = await blobs.OpenReadAsync(export.S3Key, ct))
        {
            report = await TrainingDataValidator.ValidateAsync(blob.Content, rules, ct);
        }
        if (!report.IsValid)
        {
            await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Failed, report.Describe(), null, now, ct);
            return TrainingStep.Done;
        }
        TrainingLifecycle.AddEvent(db, job, ValidatedEvent, "status", $"Training data checked: {report.Examples} {rules.Method} examples", now);
        await db.SaveChangesAsync(ct);
        return TrainingStep.Next(options.Value);
    }
}

/// <summary>Hands the export to the provider under Forge's job name; a retry finds the job the first attempt created.</summary>
public sealed class SubmitTrainingActivity(ForgeDbContext db, IBlobStore blobs, TrainingProviders providers, IOptions<TrainingOptions> options, TimeProvider time)
    : TaskActivity<Guid, TrainingStep>
{
    public override async Task<TrainingStep> RunAsync(TaskActivityContext context, Guid jobId)
    {
        var ct = CancellationToken.None;
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null || TrainingJobStatus.IsTerminal(job.Status))
        {
            return TrainingStep.Done;
        }
        if (job.ExternalJobId is not null)
        {
            // Recorded by an earlier attempt whose completion was lost: polling goes on from there.
            return TrainingStep.Next(options.Value);
        }
        if (job.CancelRequested)
        {
            await TrainingLifecycle.EndAsync(db, job, TrainingJobStatus.Cancelled, null, null, time.GetUtcNow().UtcDateTime, ct);
            return TrainingStep.Done;
        }
        var export = await db.DatasetExports.AsNoTracking().FirstAsync(e => e.Id == job.DatasetExportId, ct);
        var model = await db.Models.FirstAsync(m => m.Id == job.ModelId, ct);
        var submission = TrainingLifecycle.Submission(job, model, export, blobs.GetDownloadUrl(export.S3Key, TimeSpan.FromHours(options.Value.DataUrlHours)),
            async read => (await blobs.OpenReadAsync(export.S3Key, read)).Content);

        var submitted = await providers.Get(job.Provider).SubmitAsync(submission, ct);

        var now = time.GetUtcNow().UtcDateTime;
        job.ExternalJobId = submitted.ExternalJobId;
        job.ProviderState = submitted.State;
        job.Status = TrainingJobStatus.Running;
        job.StartedAt ??= now;
        job.UpdatedAt = now;
        model.Status = ModelStatus.Training;
        model.UpdatedAt = now;
        TrainingLifecycle.AddEvent(db, job, "forge:running", "status", $"Submitted to {job.Provider} as {submitted.ExternalJobId}", now);
        await db.SaveChangesAsync(ct);
        return TrainingStep.Next(options.Value);
    }
}
