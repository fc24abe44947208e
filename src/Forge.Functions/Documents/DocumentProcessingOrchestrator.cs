using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.DurableTask;

namespace Forge.Functions.Documents;

/// <summary>What a processing step found: its figures, or the reason the document cannot be processed.</summary>
public sealed record StepOutcome(string? Error = null, int Pages = 0, int Characters = 0, int Segments = 0, int Batches = 0)
{
    public static StepOutcome Failed(string reason) => new(Error: reason);
}

public sealed record StoreSegmentsInput(Guid DocumentId, Guid VersionId, int Batch);

public sealed record ProcessedInput(Guid DocumentId, Guid VersionId, int Pages, int Characters, int Segments);

public sealed record FailedInput(Guid DocumentId, Guid VersionId, string Reason);

/// <summary>
/// One document version, top to bottom: extract the text, segment it, store the segments batch by batch, record
/// the outcome on the document. A reason the file gives (unreadable, over a limit, killing its workers) fails the
/// document with that reason; anything else is retried by the one retry rule and, exhausted, fails it saying so.
/// </summary>
public sealed class DocumentProcessingOrchestrator(ActivityRetry retry) : TaskOrchestrator<ProcessDocumentInput, string>
{
    /// <summary>The document's reason when a step failed unexpectedly on every attempt (the operators' logs have the exception).</summary>
    public const string UnexpectedFailure = "Processing failed on an unexpected error after repeated attempts; try processing the document again later";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, ProcessDocumentInput input)
    {
        string reason;
        try
        {
            var extracted = await context.CallActivityAsync<StepOutcome>(DocumentProcessing.ExtractText, input, retry.Options);
            if (extracted.Error is null)
            {
                context.SetCustomStatus("extracted");
                var segmented = await context.CallActivityAsync<StepOutcome>(DocumentProcessing.SegmentText, input, retry.Options);
                if (segmented.Error is null)
                {
                    for (var batch = 0; batch < segmented.Batches; batch++)
                    {
                        await context.CallActivityAsync(DocumentProcessing.StoreSegments, new StoreSegmentsInput(input.DocumentId, input.VersionId, batch), retry.Options);
                    }
                    await context.CallActivityAsync(DocumentProcessing.RecordProcessed,
                        new ProcessedInput(input.DocumentId, input.VersionId, extracted.Pages, extracted.Characters, segmented.Segments), retry.Options);
                    context.SetCustomStatus(DocumentStatus.Processed);
                    return DocumentStatus.Processed;
                }
                reason = segmented.Error;
            }
            else
            {
                reason = extracted.Error;
            }
        }
        catch (TaskFailedException)
        {
            reason = UnexpectedFailure;
        }
        // Should recording the failure fail too, the instance fails and the reconciler records it.
        await context.CallActivityAsync(DocumentProcessing.RecordFailed, new FailedInput(input.DocumentId, input.VersionId, reason), retry.Options);
        context.SetCustomStatus(DocumentStatus.Failed);
        return DocumentStatus.Failed;
    }
}
