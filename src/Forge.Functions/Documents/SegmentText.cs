using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Storage;
using Forge.Shared.Text;
using Forge.Shared.Text.Segmentation;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Documents;

/// <summary>Cuts the extracted text with the version's segmenter and settings; the segments are kept as an artifact.</summary>
public sealed class SegmentTextActivity(ForgeDbContext db, IBlobStore blobs, ActivityRetry retry) : TaskActivity<ProcessDocumentInput, StepOutcome>
{
    /// <summary>Segments written per store step: small transactions, few steps.</summary>
    public const int BatchSize = 500;

    public override async Task<StepOutcome> RunAsync(TaskActivityContext context, ProcessDocumentInput input)
    {
        var version = await db.DocumentVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == input.VersionId)
            ?? throw new PermanentActivityException($"Version {input.VersionId} of document {input.DocumentId} no longer exists");
        var segmenter = Segmenters.Create(version.SegmentType);
        if (segmenter is null)
        {
            return StepOutcome.Failed($"Unknown segment type '{version.SegmentType}'");
        }
        var config = SegmentConfig.Parse(version.SegmentConfig).Config ?? SegmentConfig.Default;
        return await ProcessingAttempts.GuardAsync(db, version.Id, retry.MaxAttempts, async () =>
        {
            var text = await ProcessingArtifacts.ReadAsync<ExtractedText>(blobs, ProcessingArtifacts.TextKey(input.DocumentId, version.Id), CancellationToken.None);
            var segments = segmenter.Segment(text, config);
            await ProcessingArtifacts.WriteAsync(blobs, ProcessingArtifacts.SegmentsKey(input.DocumentId, version.Id), segments, CancellationToken.None);
            return new StepOutcome(Segments: segments.Count, Batches: (segments.Count + BatchSize - 1) / BatchSize);
        }, CancellationToken.None);
    }
}
