using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Exports;
using Forge.Shared.Training;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.TrainingJobs;

public static class TrainingJobsApi
{
    public static IEndpointRouteBuilder MapTrainingJobsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSeed001Group("/api/v1/training-jobs").WithTags("Training Jobs");
        group.MapPost("/", CreateTrainingJob);
        group.MapGet("/", ListTrainingJobs);
        group.MapGet("/{job_id:guid}", GetTrainingJob);
        group.MapPost("/{job_id:guid}/cancel", CancelTrainingJob);
        group.MapGet("/{job_id:guid}/events", ListTrainingJobEvents);
        return routes;
    }

    public static async Task<Created<TrainingJobResponse>> CreateTrainingJob(CreateTrainingJobRequest request, ForgeDbContext db, DurableTaskClient client,
        TrainingProviders providers, IOptions<TrainingOptions> options, TimeProvider time, CancellationToken ct)
    {
        var rules = new FieldRules()
            .Check(request.ModelId is not null, "model_id", "Field required")
            .Check(request.DatasetId is not null, "dataset_id", "Field required")
            .Check(!string.IsNullOrWhiteSpace(request.Provider), "provider", "Field required");
        if (!string.IsNullOrWhiteSpace(request.Provider) && providers.Problem(request.Provider) is { } problem)
        {
            rules.Add("provider", problem);
        }
        TrainingHyperparameters.Check(request.Hyperparameters, rules);
        rules.ThrowIfAny();

        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == request.ModelId, ct) ?? throw new NotFoundException("Model", request.ModelId!);
        if (model.Status == ModelStatus.Archived)
        {
            throw new ConflictException("Model is archived; restore it (PUT /api/v1/models/{id} with status registered) to train it");
        }
        if (!await db.Datasets.AnyAsync(d => d.Id == request.DatasetId, ct))
        {
            throw new NotFoundException("Dataset", request.DatasetId!);
        }
        var export = await ExportToTrainOnAsync(db, request.DatasetId!.Value, request.DatasetExportId, ct);

        var now = time.GetUtcNow().UtcDateTime;
        var job = new TrainingJob
        {
            Id = Guid.CreateVersion7(),
            ModelId = model.Id,
            DatasetId = request.DatasetId.Value,
            DatasetExportId = export.Id,
            Provider = request.Provider!,
            Hyperparameters = request.Hyperparameters ?? [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (providers.Get(job.Provider).Check(TrainingLifecycle.Submission(job, model, export, new Uri("about:blank"), NotForChecking)) is { } refused)
        {
            throw new ValidationException("hyperparameters", refused);
        }
        db.TrainingJobs.Add(job);
        await db.SaveChangesAsync(ct);
        // After the commit: if this process dies first, the reconciler starts it under the same id.
        await client.StartOnceAsync(new TaskName(TrainingLifecycle.Orchestrator), TrainingLifecycle.InstanceId(job.Id),
            TrainingReconciler.Start(job.Id, options.Value), ct);
        return TypedResults.Created($"/api/v1/training-jobs/{job.Id}", job.ToResponse());
    }

    public static async Task<Ok<List<TrainingJobResponse>>> ListTrainingJobs(ForgeDbContext db, CancellationToken ct, Guid? model_id = null, string? status = null)
    {
        new FieldRules().Check(status is null or TrainingJobStatus.Pending or TrainingJobStatus.Running or TrainingJobStatus.Completed
            or TrainingJobStatus.Failed or TrainingJobStatus.Cancelled, "status", "Must be one of: pending, running, completed, failed, cancelled").ThrowIfAny();
        var query = db.TrainingJobs.AsNoTracking();
        if (model_id is not null)
        {
            query = query.Where(j => j.ModelId == model_id);
        }
        if (status is not null)
        {
            query = query.Where(j => j.Status == status);
        }
        var jobs = await query.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id).ToListAsync(ct);
        return TypedResults.Ok(jobs.Select(j => j.ToResponse()).ToList());
    }

    public static async Task<Ok<TrainingJobResponse>> GetTrainingJob(Guid job_id, ForgeDbContext db, CancellationToken ct)
    {
        var job = await db.TrainingJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == job_id, ct) ?? throw new NotFoundException("Training job", job_id);
        return TypedResults.Ok(job.ToResponse());
    }

    /// <summary>
    /// Beyond the seed: asks the provider to stop the job (through the lifecycle, retried until it answers); the job
    /// reads <c>cancelled</c> once the provider confirms at the next poll, or at its next step when it was not submitted yet.
    /// </summary>
    public static async Task<Accepted<TrainingJobResponse>> CancelTrainingJob(Guid job_id, ForgeDbContext db, DurableTaskClient client,
        TimeProvider time, CancellationToken ct)
    {
        var job = await db.TrainingJobs.FirstOrDefaultAsync(j => j.Id == job_id, ct) ?? throw new NotFoundException("Training job", job_id);
        if (TrainingJobStatus.IsTerminal(job.Status))
        {
            throw new ConflictException($"Training job is already {job.Status}");
        }
        if (!job.CancelRequested)
        {
            job.CancelRequested = true;
            job.UpdatedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
            // The flag is what counts (every step reads it); the event only wakes a lifecycle waiting for its next poll.
            await client.RaiseEventAsync(TrainingLifecycle.InstanceId(job.Id), TrainingLifecycle.CancelEvent, cancellation: ct);
        }
        return TypedResults.Accepted($"/api/v1/training-jobs/{job.Id}", job.ToResponse());
    }

    /// <summary>Beyond the seed: status changes, provider messages and metric points, oldest first.</summary>
    public static async Task<Ok<List<TrainingJobEventResponse>>> ListTrainingJobEvents(Guid job_id, ForgeDbContext db, CancellationToken ct)
    {
        if (!await db.TrainingJobs.AnyAsync(j => j.Id == job_id, ct))
        {
            throw new NotFoundException("Training job", job_id);
        }
        var events = await db.TrainingJobEvents.AsNoTracking().Where(e => e.JobId == job_id).OrderBy(e => e.At).ThenBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync(ct);
        return TypedResults.Ok(events.Select(e => e.ToResponse()).ToList());
    }

    private static Task<Stream> NotForChecking(CancellationToken ct) => throw new InvalidOperationException("A check does not read the training data.");

    /// <summary>The export asked for (it must be this dataset's, completed, and a training format), else the newest completed one.</summary>
    private static async Task<DatasetExport> ExportToTrainOnAsync(ForgeDbContext db, Guid datasetId, Guid? exportId, CancellationToken ct)
    {
        DatasetExport export;
        if (exportId is { } id)
        {
            export = await db.DatasetExports.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw new NotFoundException("Export", id);
            if (export.DatasetId != datasetId)
            {
                throw new ValidationException("dataset_export_id", "The export belongs to another dataset");
            }
            if (export.Status != ExportStatus.Completed)
            {
                throw new ValidationException("dataset_export_id", $"The export is {export.Status}; only a completed export can be trained on");
            }
        }
        else
        {
            export = await db.DatasetExports.AsNoTracking().Where(e => e.DatasetId == datasetId && e.Status == ExportStatus.Completed)
                .OrderByDescending(e => e.ExportVersion).FirstOrDefaultAsync(ct)
                ?? throw new ValidationException("dataset_export_id", "The dataset has no completed export; export it first (POST /api/v1/datasets/{id}/export)");
        }
        if (export.Format != ExportFormats.Jsonl || TrainingLifecycle.MethodFor(export.Schema) is null)
        {
            throw new ValidationException("dataset_export_id",
                $"Export v{export.ExportVersion} is {export.Format}/{export.Schema}; training needs a jsonl export with schema chat (supervised) or dpo (preference)");
        }
        return export;
    }
}
