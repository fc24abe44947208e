using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Forge.Functions.Documents;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Forge.Shared.Storage;
using Forge.Shared.Text.Extraction;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Ingestion;

public sealed class IngestionOptions
{
    public const string SectionName = "Forge:Ingestion";
    public const string Prefix = "incoming/";

    /// <summary>How often workers look under <c>incoming/</c>.</summary>
    [Range(100, 3_600_000)]
    public int ScanIntervalMs { get; set; } = 2000;

    /// <summary>A blob must be this old before it is taken, so a file still being copied in is not read half-written.</summary>
    [Range(0, 3600)]
    public int SettleSeconds { get; set; } = 2;

    /// <summary>The <c>?code=</c> an Event Grid subscription calls the webhook with; unset turns the webhook off.</summary>
    public string? EventGridKey { get; set; }
}

/// <summary>
/// Turns a blob put under <c>incoming/{domain_slug}/{use_case}/{filename}</c> by any tool into a document of
/// that domain, processed with the domain's default segmentation. Exactly once per blob version: the
/// document id is derived from the blob's key and ETag, and the <see cref="IngestedBlob"/> row for that
/// version commits with the document and its first version, so a second scan, a restart or a second
/// worker finds it and stops. The processing run's instance id follows from the document id
/// (<c>documents-{document_id}-v1</c>), so the blob version also has exactly one run; it is scheduled after the
/// commit, and a schedule lost to a crash in between is made by the documents' reconciler.
/// </summary>
public sealed class BlobIngestion(ForgeDbContext db, IBlobStore blobs, DurableTaskClient client, IOptions<IngestionOptions> options,
    TimeProvider time, ILogger<BlobIngestion> logger)
{
    public async Task<int> ScanOnceAsync(CancellationToken ct)
    {
        var ingested = 0;
        var settledBefore = time.GetUtcNow() - TimeSpan.FromSeconds(options.Value.SettleSeconds);
        await foreach (var item in blobs.ListAsync(IngestionOptions.Prefix, ct))
        {
            if (item.LastModified > settledBefore)
            {
                continue;
            }
            // One file's failure is that file's: the rest of the scan goes on.
            try
            {
                if (await IngestAsync(item.Name, ct))
                {
                    ingested++;
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
                logger.LogError(ex, "Blob {Key} could not be ingested now; it is tried again at the next scan", BlobKey.Printable(item.Name));
            }
        }
        return ingested;
    }

    /// <summary>Ingests one blob; false when it was already handled (by anyone) or is gone.</summary>
    public async Task<bool> IngestAsync(string key, CancellationToken ct)
    {
        if (BlobKey.Problem(key) is { } problem)
        {
            return await RejectNameAsync(key, problem, ct);
        }
        var properties = await blobs.GetPropertiesAsync(key, ct);
        if (properties is null || await db.IngestedBlobs.AnyAsync(b => b.BlobKey == key && b.ETag == properties.ETag, ct))
        {
            return false;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var record = new IngestedBlob { Id = Guid.CreateVersion7(), BlobKey = key, ETag = properties.ETag, CreatedAt = now };
        db.IngestedBlobs.Add(record);

        DocumentVersion? version = null;
        var parts = key[IngestionOptions.Prefix.Length..].Split('/');
        var domain = parts.Length == 3 ? await db.Domains.AsNoTracking().FirstOrDefaultAsync(d => d.Slug == parts[0], ct) : null;
        if (parts.Length != 3)
        {
            Reject(record, "Expected incoming/{domain_slug}/{use_case}/{filename}");
        }
        else if (domain is null)
        {
            Reject(record, $"No domain with slug '{parts[0]}'");
        }
        else
        {
            try
            {
                version = await CreateDocumentAsync(record, key, domain, parts[1], parts[2], ct);
            }
            catch (Exception ex) when (ex is ArgumentException or ForgeApiException)
            {
                // The file's name or content is what is wrong: recorded once, like any other refusal.
                db.ChangeTracker.Clear();
                version = null;
                record.DocumentId = null;
                db.IngestedBlobs.Add(record);
                Reject(record, ex is Hosting.ValidationException { Details: { Count: > 0 } details } ? string.Join("; ", details.Values) : ex.Message);
            }
        }
        if (!await SaveOnceAsync(key, properties.ETag, ct))
        {
            return false;
        }
        if (version is not null)
        {
            await DocumentProcessing.StartAsync(client, version.DocumentId, version);
        }
        if (record.Status == IngestedBlobStatus.Ingested)
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }
        logger.LogInformation("Blob {Key}: {Status} {Reason}", key, record.Status, record.Reason);
        return record.Status == IngestedBlobStatus.Ingested;
    }

    /// <summary>The document and its first version (added, not saved), or null when the file is refused.</summary>
    private async Task<DocumentVersion?> CreateDocumentAsync(IngestedBlob record, string key, Domain domain, string useCase, string fileName, CancellationToken ct)
    {
        await using var source = await blobs.OpenReadAsync(key, ct);
        await using var copy = await SeekableCopy.OfAsync(source.Content, ct);
        var detection = DocumentFormats.Detect(fileName, copy.Stream);
        if (!detection.IsSupported)
        {
            Reject(record, detection.Reason!);
            return null;
        }
        // Derived from the blob version, so a retry after a crash rewrites the same document blob.
        var documentId = new Guid(MD5.HashData(Encoding.UTF8.GetBytes($"{key}\n{record.ETag}")));
        var document = await DocumentStorage.StoreAsync(blobs, documentId, domain.Id, useCase, fileName, detection.Format!, copy.Stream, record.CreatedAt, ct);
        document.Metadata["source"] = key;
        db.Documents.Add(document);
        record.DocumentId = documentId;
        return await DocumentProcessing.AddVersionAsync(db, document, DomainDefaults.SegmentType(domain), DomainDefaults.SegmentConfig(domain), time, ct);
    }

    /// <summary>
    /// A name no blob key may have (a backslash, a '..' segment, a control character) cannot be read or moved through
    /// the store; it is recorded once, with why, and left where it is.
    /// </summary>
    private async Task<bool> RejectNameAsync(string key, string problem, CancellationToken ct)
    {
        var stored = key.Length > BlobKey.MaxLength ? key[..BlobKey.MaxLength] : key;
        if (await db.IngestedBlobs.AnyAsync(b => b.BlobKey == stored && b.ETag == UnusableNameETag, ct))
        {
            return false;
        }
        var record = new IngestedBlob { Id = Guid.CreateVersion7(), BlobKey = stored, ETag = UnusableNameETag, CreatedAt = time.GetUtcNow().UtcDateTime };
        Reject(record, $"The blob's name cannot be used: {problem}");
        db.IngestedBlobs.Add(record);
        if (await SaveOnceAsync(stored, UnusableNameETag, ct))
        {
            logger.LogWarning("Blob {Key}: {Status} {Reason}", BlobKey.Printable(key), record.Status, record.Reason);
        }
        return false;
    }

    /// <summary>An unreadable name has no version to tell apart; one record stands for all of them.</summary>
    private const string UnusableNameETag = "unusable-name";

    /// <summary>Commits the record; false when another worker committed this version first (its outcome stands).</summary>
    private async Task<bool> SaveOnceAsync(string key, string eTag, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            if (await db.IngestedBlobs.AnyAsync(b => b.BlobKey == key && b.ETag == eTag, ct))
            {
                return false;
            }
            throw;
        }
    }

    private static void Reject(IngestedBlob record, string reason)
    {
        record.Status = IngestedBlobStatus.Rejected;
        record.Reason = reason;
    }
}

/// <summary>The worker-role scan of <c>incoming/</c>, every <see cref="IngestionOptions.ScanIntervalMs"/>.</summary>
public sealed class BlobIngestionScanner(IServiceScopeFactory scopes, IOptions<IngestionOptions> options, TimeProvider time, ILogger<BlobIngestionScanner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<BlobIngestion>().ScanOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Scanning incoming blobs failed; trying again at the next interval");
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.ScanIntervalMs), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
