using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Storage;
using Forge.Shared.Text.Segmentation;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Documents;

/// <summary>
/// Writes one batch of the version's segments. Idempotent: a position already stored (by an earlier delivery of
/// this step) is skipped, and the unique (version, position) index refuses a concurrent second write.
/// </summary>
public sealed class StoreSegmentsActivity(ForgeDbContext db, IBlobStore blobs, TimeProvider time) : TaskActivity<StoreSegmentsInput, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, StoreSegmentsInput input)
    {
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == input.DocumentId)
            ?? throw new PermanentActivityException($"Document {input.DocumentId} no longer exists");
        var version = await db.DocumentVersions.AsNoTracking().FirstAsync(v => v.Id == input.VersionId);
        var segments = await ProcessingArtifacts.ReadAsync<List<TextSegment>>(blobs, ProcessingArtifacts.SegmentsKey(document.Id, version.Id), CancellationToken.None);
        var batch = segments.Skip(input.Batch * SegmentTextActivity.BatchSize).Take(SegmentTextActivity.BatchSize).ToList();
        if (batch.Count == 0)
        {
            return 0;
        }
        var (first, last) = (batch[0].Position, batch[^1].Position);
        var stored = (await db.Segments.Where(s => s.DocumentVersionId == version.Id && s.Position >= first && s.Position <= last)
            .Select(s => s.Position).ToListAsync()).ToHashSet();
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var segment in batch.Where(s => !stored.Contains(s.Position)))
        {
            db.Segments.Add(new Segment
            {
                Id = Guid.CreateVersion7(),
                DomainId = document.DomainId,
                DocumentId = document.Id,
                DocumentVersionId = version.Id,
                UseCase = document.UseCase,
                SegmentType = version.SegmentType,
                Content = segment.Content,
                Position = segment.Position,
                Metadata = segment.Metadata,
                CreatedAt = now,
            });
        }
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new RetryableActivityException($"Another delivery of batch {input.Batch} of version {version.Id} stored it first; the retry finds its rows", innerException: e);
        }
        return batch.Count - stored.Count;
    }
}
