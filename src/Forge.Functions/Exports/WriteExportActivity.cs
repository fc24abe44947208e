using Forge.Shared.Durable;
using Forge.Shared.Data;
using Forge.Shared.Exports;
using Forge.Shared.Storage;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Exports;

/// <summary>
/// Streams the dataset's matching items, in creation order, into the export file and its manifest (temporary
/// files first, so memory stays flat whatever the size), then stores both under the export's version folder.
/// Running it again rewrites the same keys, so a retry after a crash leaves one export, not two; a completed (or
/// failed) export is left as it is.
/// </summary>
public sealed class WriteExportActivity(ForgeDbContext db, IBlobStore blobs, TimeProvider time) : TaskActivity<ExportInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ExportInput input)
    {
        // Activities get no token; the worker's forced stop abandons the run, and another worker writes it again.
        var cancellationToken = CancellationToken.None;
        var export = await db.DatasetExports.FirstOrDefaultAsync(e => e.Id == input.ExportId, cancellationToken)
            ?? throw new PermanentActivityException($"Export {input.ExportId} no longer exists");
        if (export.Status is ExportStatus.Completed or ExportStatus.Failed)
        {
            return false;
        }
        await db.DatasetExports.Where(e => e.Id == export.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, ExportStatus.Processing), cancellationToken);
        var dataset = await db.Datasets.AsNoTracking().FirstAsync(d => d.Id == export.DatasetId, cancellationToken);
        var template = dataset.TemplateId is { } templateId ? await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, cancellationToken) : null;

        var generators = await Matching(export).Select(i => i.Generator).Distinct().OrderBy(g => g).ToListAsync(cancellationToken);
        var dataPath = Path.GetTempFileName();
        var manifestPath = Path.GetTempFileName();
        try
        {
            await using (var data = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            await using (var manifestStream = new FileStream(manifestPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            await using (var writer = ExportFileWriter.Create(data, export.Format, export.Schema, template?.SystemPrompt, input.CsvFormulaEscape))
            await using (var manifest = ExportManifestWriter.Start(manifestStream, new ExportManifestHeader(
                export.Id, dataset.Id, export.ExportVersion, export.Format, export.Schema, export.CreatedAt, export.FiltersApplied,
                template is null ? null : ExportManifestTemplate.Of(template.Id, template.Name, template.SystemPrompt), generators)))
            {
                await foreach (var item in Items(export).WithCancellation(cancellationToken))
                {
                    var result = await writer.WriteAsync(item, cancellationToken);
                    if (result.IsWritten)
                    {
                        await manifest.AddItemAsync(item.Id, result.ContentHash!, cancellationToken);
                    }
                }
                await writer.CompleteAsync(cancellationToken);
                await manifest.CompleteAsync(writer.Skipped, new ExportManifestFile(export.S3Key, writer.BytesWritten, writer.FileSha256), cancellationToken);
                export.ItemCount = checked((int)writer.Written);
                export.SkippedCount = checked((int)writer.Skipped.Values.Sum());
                export.FileBytes = writer.BytesWritten;
                export.FileSha256 = writer.FileSha256;
            }

            await using (var upload = File.OpenRead(dataPath))
            {
                await blobs.PutAsync(export.S3Key, upload, ContentType(export.Format), cancellationToken);
            }
            await using (var upload = File.OpenRead(manifestPath))
            {
                await blobs.PutAsync(export.ManifestKey, upload, "application/json", cancellationToken);
            }
            export.Status = ExportStatus.Completed;
            export.CompletedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        finally
        {
            File.Delete(dataPath);
            File.Delete(manifestPath);
        }
    }

    private IQueryable<DatasetItem> Matching(DatasetExport export)
    {
        var query = db.DatasetItems.AsNoTracking().Where(i => i.DatasetId == export.DatasetId);
        if (export.ApprovedOnly)
        {
            query = query.Where(i => i.ReviewStatus == ReviewStatus.Approved);
        }
        if (export.MinQualityScore is { } min)
        {
            query = query.Where(i => i.QualityScore >= min);
        }
        return query;
    }

    private IAsyncEnumerable<ExportItem> Items(DatasetExport export) =>
        Matching(export).OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
            .Select(i => new ExportItem(i.Id, i.Instruction, i.InputText, i.IdealResponse, i.BadResponse, i.Explanation, i.QualityScore, i.QualityFlags,
                i.ReviewStatus, i.SegmentId, i.DocumentId, i.TemplateId, i.Generator, i.Model, i.CreatedAt))
            .AsAsyncEnumerable();

    private static string ContentType(string format) => format switch
    {
        ExportFormats.Jsonl => "application/jsonl",
        ExportFormats.Json => "application/json",
        _ => "text/csv",
    };
}
