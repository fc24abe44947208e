using Forge.Functions.Datasets;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Exports;

public static class ExportTrigger
{
    public const string Request = "request";
    public const string Auto = "auto";
}

/// <summary>The orchestration's input; <see cref="CsvFormulaEscape"/> only shapes the file.</summary>
public sealed record ExportInput(Guid ExportId, bool CsvFormulaEscape = true);

public sealed record ExportFailure(Guid ExportId, string Error);

/// <summary>
/// The ReviewToExport lifecycle's export: asked for by <c>POST /datasets/{id}/export</c>, or started by
/// <see cref="AutoExportRule"/>. The export row is committed first, then <c>exports-{exportId}</c> is scheduled
/// (see <see cref="DatasetExportOrchestrator"/>); the reconciler schedules it if the process died in between.
/// </summary>
public static class DatasetExporting
{
    public const string Orchestrator = "datasets.export";
    public const string Write = "datasets.export.write";
    public const string MarkFailed = "datasets.export.mark-failed";

    public static string InstanceId(Guid exportId) => $"exports-{exportId}";

    /// <summary>
    /// Hands out the dataset's next export version and adds the export to <paramref name="db"/> (the caller saves).
    /// Call it inside the caller's transaction: the version bump locks the dataset's row until it commits.
    /// </summary>
    public static async Task<DatasetExport> CreateAsync(ForgeDbContext db, Dataset dataset, ExportSettings settings,
        string trigger, TimeProvider time, CancellationToken ct)
    {
        await db.Datasets.Where(d => d.Id == dataset.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LastExportVersion, d => d.LastExportVersion + 1), ct);
        var version = await db.Datasets.Where(d => d.Id == dataset.Id).Select(d => d.LastExportVersion).FirstAsync(ct);
        var folder = $"exports/{dataset.Id}/v{version}";
        var export = new DatasetExport
        {
            Id = Guid.CreateVersion7(),
            DatasetId = dataset.Id,
            ExportVersion = version,
            Format = settings.Format,
            Schema = settings.Schema,
            S3Key = $"{folder}/dataset.{settings.Format}",
            ManifestKey = $"{folder}/manifest.json",
            ApprovedOnly = settings.ApprovedOnly,
            MinQualityScore = settings.MinQualityScore,
            FiltersApplied = settings.FiltersApplied(),
            CsvFormulaEscape = settings.CsvFormulaEscape,
            Trigger = trigger,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.DatasetExports.Add(export);
        return export;
    }

    /// <summary>Schedules a committed export's orchestration, once whatever calls it.</summary>
    public static Task<bool> ScheduleAsync(DurableTaskClient client, DatasetExport export, CancellationToken ct) =>
        client.StartOnceAsync(Orchestrator, InstanceId(export.Id), InputOf(export), ct);

    public static ExportInput InputOf(DatasetExport export) => new(export.Id, export.CsvFormulaEscape ?? true);
}

/// <summary>
/// ReviewToExport's one rule, asked when a review takes an item out of <c>pending</c> and when a generation ends:
/// a dataset with <c>auto_export</c> is exported when it is not generating (more items may come), nothing is
/// pending, and an item was reviewed since its last automatic export. Call it under the dataset's lock, in the
/// caller's transaction; the caller schedules the export it returns after the commit.
/// </summary>
public static class AutoExportRule
{
    public static async Task<DatasetExport?> StartIfDueAsync(ForgeDbContext db, Guid datasetId, TimeProvider time, CancellationToken ct)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstAsync(d => d.Id == datasetId, ct);
        if (dataset.AutoExport is not { } auto || dataset.Status == DatasetStatus.Generating
            || await db.DatasetItems.AnyAsync(i => i.DatasetId == datasetId && i.ReviewStatus == ReviewStatus.Pending, ct))
        {
            return null;
        }
        var lastAuto = await db.DatasetExports.Where(e => e.DatasetId == datasetId && e.Trigger == ExportTrigger.Auto)
            .OrderByDescending(e => e.CreatedAt).Select(e => (DateTime?)e.CreatedAt).FirstOrDefaultAsync(ct);
        var reviewed = db.DatasetItems.Where(i => i.DatasetId == datasetId && i.ReviewedAt != null);
        if (lastAuto is { } since)
        {
            reviewed = reviewed.Where(i => i.ReviewedAt > since);
        }
        if (!await reviewed.AnyAsync(ct))
        {
            return null;
        }
        var export = await DatasetExporting.CreateAsync(db, dataset, ExportSettings.FromJson(auto), ExportTrigger.Auto, time, ct);
        await db.SaveChangesAsync(ct);
        return export;
    }
}

/// <summary>An export, top to bottom: write the file and its manifest; a failure marks the export <c>failed</c> with the reason.</summary>
public sealed class DatasetExportOrchestrator(ActivityRetry retry) : TaskOrchestrator<ExportInput, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, ExportInput input)
    {
        try
        {
            await context.CallActivityAsync(DatasetExporting.Write, input, retry.Options);
            return ExportStatus.Completed;
        }
        catch (TaskFailedException e)
        {
            await context.CallActivityAsync(DatasetExporting.MarkFailed, new ExportFailure(input.ExportId, ActivityFailureText.Of(e, retry)), retry.Options);
            return ExportStatus.Failed;
        }
    }
}

public sealed class MarkExportFailedActivity(ForgeDbContext db, TimeProvider time) : TaskActivity<ExportFailure, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ExportFailure input) =>
        await ExportEnding.FailAsync(db, input.ExportId, input.Error, time);
}

public static class ExportEnding
{
    /// <summary>Marks the export failed unless it completed; false when there was nothing to mark.</summary>
    public static async Task<bool> FailAsync(ForgeDbContext db, Guid exportId, string error, TimeProvider time)
    {
        var export = await db.DatasetExports.FirstOrDefaultAsync(e => e.Id == exportId);
        if (export is null || export.Status is ExportStatus.Completed or ExportStatus.Failed)
        {
            return false;
        }
        export.Status = ExportStatus.Failed;
        export.Error = error;
        export.CompletedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync();
        return true;
    }
}

/// <summary>Exports left <c>pending</c> or <c>processing</c> name their instance: a lost start is scheduled, a lost end recorded.</summary>
public sealed class ExportReconciler(TimeProvider time) : IDurableReconciler
{
    public async Task<IReadOnlyList<ExpectedInstance>> InProgressAsync(ForgeDbContext db, DateTime startedBefore, CancellationToken cancellationToken)
    {
        var exports = await db.DatasetExports.AsNoTracking()
            .Where(e => (e.Status == ExportStatus.Pending || e.Status == ExportStatus.Processing) && e.CreatedAt < startedBefore)
            .ToListAsync(cancellationToken);
        return exports.Select(e => new ExpectedInstance(DatasetExporting.InstanceId(e.Id), DatasetExporting.Orchestrator, DatasetExporting.InputOf(e), $"export {e.Id}"))
            .ToList();
    }

    public Task EndedWithoutRecordAsync(ForgeDbContext db, ExpectedInstance expected, OrchestrationMetadata instance, CancellationToken cancellationToken) =>
        ExportEnding.FailAsync(db, ((ExportInput)expected.Input!).ExportId,
            instance.FailureDetails?.ErrorMessage ?? $"Export ended {instance.RuntimeStatus} without recording it", time);
}
