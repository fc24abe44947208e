using Forge.Shared.Data;
using Forge.Shared.Engine;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Exports;

public static class ExportTrigger
{
    public const string Request = "request";
    public const string Auto = "auto";
}

/// <summary>The run's input; <see cref="CsvFormulaEscape"/> lives here, not in a column, as it only shapes the file.</summary>
public sealed record ExportInput(Guid ExportId, bool CsvFormulaEscape = true);

/// <summary>
/// The ReviewToExport orchestration: an export asked for by <c>POST /datasets/{id}/export</c>, or started by the
/// review of a dataset's last pending item when the dataset has <c>auto_export</c>. One activity writes the file
/// and its manifest; a failed run marks the export <c>failed</c> with the reason.
/// </summary>
public static class DatasetExporting
{
    public const string RunType = "datasets.export";
    public const string Write = "datasets.export.write";

    /// <summary>
    /// Hands out the dataset's next export version and adds the export and its run to <paramref name="db"/>.
    /// Call it inside the caller's transaction: the version bump locks the dataset's row until it commits.
    /// </summary>
    public static async Task<DatasetExport> StartAsync(ForgeDbContext db, DurableEngine engine, Dataset dataset, ExportSettings settings,
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
            Trigger = trigger,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.DatasetExports.Add(export);
        engine.Start(RunType, $"export:{export.Id}", Write, new ExportInput(export.Id, settings.CsvFormulaEscape));
        return export;
    }
}

/// <summary>An export whose run failed or was cancelled says so, with the reason.</summary>
public sealed class DatasetExportObserver(TimeProvider time) : IRunObserver
{
    public string RunType => DatasetExporting.RunType;

    public async Task OnRunEndedAsync(ForgeDbContext db, EngineRun run, CancellationToken cancellationToken)
    {
        if (run.Status == RunStatus.Completed || run.Subject is null || !Guid.TryParse(run.Subject["export:".Length..], out var exportId))
        {
            return;
        }
        var export = await db.DatasetExports.FirstOrDefaultAsync(e => e.Id == exportId, cancellationToken);
        if (export is null || export.Status == ExportStatus.Completed)
        {
            return;
        }
        export.Status = ExportStatus.Failed;
        export.Error = run.Status == RunStatus.Cancelled ? "Export was cancelled" : run.Error ?? "Export failed";
        export.CompletedAt = time.GetUtcNow().UtcDateTime;
    }
}
