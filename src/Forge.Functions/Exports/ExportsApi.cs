using System.ComponentModel.DataAnnotations;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Forge.Shared.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Exports;

/// <summary>Export settings (<c>Forge:Exports</c>).</summary>
public sealed class ExportOptions
{
    public const string SectionName = "Forge:Exports";

    /// <summary>How long <c>POST /export</c> waits for the file before answering 202 with the export still running.</summary>
    [Range(0, 600)]
    public int WaitSeconds { get; set; } = 30;

    /// <summary>How long a download URL stays valid; the seed says one hour.</summary>
    [Range(1, 7 * 24 * 60)]
    public int DownloadUrlMinutes { get; set; } = 60;
}

public static class ExportsApi
{
    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSeed001Group("/api/v1/datasets").WithTags("Export");
        group.MapPost("/{dataset_id:guid}/export", ExportDataset);
        group.MapGet("/{dataset_id:guid}/exports", ListExports);
        group.MapGet("/exports/{export_id:guid}/download", GetDownloadUrl);
        return routes;
    }

    /// <summary>
    /// Starts the export and waits for it (the seed answers with the finished file); an export that takes longer
    /// than <see cref="ExportOptions.WaitSeconds"/> is answered 202 and keeps running.
    /// </summary>
    public static async Task<Results<Ok<ExportResponse>, Accepted<ExportResponse>>> ExportDataset(Guid dataset_id, ExportRequest? request,
        ForgeDbContext db, DurableTaskClient client, IBlobStore blobs, IOptions<ExportOptions> options, TimeProvider time, CancellationToken ct)
    {
        var rules = new FieldRules();
        var settings = ExportSettings.Parse(request?.Format, request?.Schema, request?.ApprovedOnly, request?.Filters, rules, csvFormulaEscape: request?.CsvFormulaEscape);
        rules.ThrowIfAny();
        var dataset = await db.Datasets.FirstOrDefaultAsync(d => d.Id == dataset_id, ct) ?? throw new NotFoundException("Dataset", dataset_id);

        DatasetExport export;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            export = await DatasetExporting.CreateAsync(db, dataset, settings!, ExportTrigger.Request, time, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await DatasetExporting.ScheduleAsync(client, export, ct);

        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(options.Value.WaitSeconds);
        var current = export;
        while (current.Status is ExportStatus.Pending or ExportStatus.Processing && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(25), ct);
            current = await db.DatasetExports.AsNoTracking().FirstAsync(e => e.Id == export.Id, ct);
        }
        if (current.Status is ExportStatus.Pending or ExportStatus.Processing)
        {
            return TypedResults.Accepted($"/api/v1/datasets/{dataset_id}/exports", current.ToResponse(null));
        }
        return TypedResults.Ok(current.ToResponse(DownloadUrl(current, blobs, options.Value)));
    }

    /// <summary>Every version, oldest first, without URLs (the seed: ask <c>/download</c> for a fresh one).</summary>
    public static async Task<Ok<List<ExportResponse>>> ListExports(Guid dataset_id, ForgeDbContext db, CancellationToken ct)
    {
        if (!await db.Datasets.AnyAsync(d => d.Id == dataset_id, ct))
        {
            throw new NotFoundException("Dataset", dataset_id);
        }
        var exports = await db.DatasetExports.AsNoTracking().Where(e => e.DatasetId == dataset_id).OrderBy(e => e.ExportVersion).ToListAsync(ct);
        return TypedResults.Ok(exports.Select(e => e.ToResponse(null)).ToList());
    }

    public static async Task<Ok<DownloadResponse>> GetDownloadUrl(Guid export_id, ForgeDbContext db, IBlobStore blobs, IOptions<ExportOptions> options, CancellationToken ct)
    {
        var export = await db.DatasetExports.AsNoTracking().FirstOrDefaultAsync(e => e.Id == export_id, ct)
            ?? throw new NotFoundException("Export", export_id);
        if (export.Status != ExportStatus.Completed)
        {
            throw new ConflictException(export.Status == ExportStatus.Failed
                ? $"Export {export.Id} failed and has no file: {export.Error}"
                : $"Export {export.Id} is still {export.Status}; ask again when it is completed");
        }
        return TypedResults.Ok(new DownloadResponse(DownloadUrl(export, blobs, options.Value)!));
    }

    private static string? DownloadUrl(DatasetExport export, IBlobStore blobs, ExportOptions options) =>
        export.Status == ExportStatus.Completed
            ? blobs.GetDownloadUrl(export.S3Key, TimeSpan.FromMinutes(options.DownloadUrlMinutes), $"dataset-v{export.ExportVersion}.{export.Format}").AbsoluteUri
            : null;
}
