using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Documents;

/// <summary>
/// Every version left <c>processing</c> names its run (<c>documents-{document_id}-v{n}</c>): one recorded but never
/// scheduled is started, and one that ended without recording its outcome fails its document.
/// </summary>
public sealed class DocumentProcessingReconciler(TimeProvider time) : IDurableReconciler
{
    public const string Cancelled = "Processing was cancelled";

    public async Task<IReadOnlyList<ExpectedInstance>> InProgressAsync(ForgeDbContext db, DateTime startedBefore, CancellationToken cancellationToken)
    {
        var versions = await db.DocumentVersions.AsNoTracking()
            .Where(v => v.Status == DocumentStatus.Processing && v.CreatedAt < startedBefore)
            .Select(v => new { v.Id, v.DocumentId, v.Number })
            .ToListAsync(cancellationToken);
        return versions.Select(v => new ExpectedInstance(DocumentProcessing.InstanceId(v.DocumentId, v.Number), DocumentProcessing.Orchestrator,
            new ProcessDocumentInput(v.DocumentId, v.Id), $"document {v.DocumentId} version {v.Number}")).ToList();
    }

    public async Task EndedWithoutRecordAsync(ForgeDbContext db, ExpectedInstance expected, OrchestrationMetadata instance, CancellationToken cancellationToken)
    {
        var input = (ProcessDocumentInput)expected.Input!;
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == input.DocumentId, cancellationToken);
        var version = await db.DocumentVersions.FirstOrDefaultAsync(v => v.Id == input.VersionId, cancellationToken);
        var reason = instance.RuntimeStatus == OrchestrationRuntimeStatus.Terminated ? Cancelled : DocumentProcessingOrchestrator.UnexpectedFailure;
        if (document is not null && version is not null && DocumentOutcomes.Fail(document, version, reason, time.GetUtcNow().UtcDateTime))
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
