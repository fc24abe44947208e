using Forge.Functions.Hosting;
using Forge.Shared;
using Forge.Shared.Durable;
using Microsoft.DurableTask;
using Forge.Shared.Text.Extraction;
using Forge.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Documents;

public static class DocumentsApi
{
    public static IServiceCollection AddDocuments(this IServiceCollection services, ForgeRole role)
    {
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IProcessRunner>(new SystemProcessRunner());
        services.AddOptions<ExtractionOptions>().BindConfiguration(ExtractionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ITextExtractor>(sp => new DocumentTextExtractor(sp.GetRequiredService<IProcessRunner>(), sp.GetRequiredService<IOptions<ExtractionOptions>>().Value));
        services.AddDurableTasks(r =>
        {
            r.AddActivity(new TaskName(DocumentProcessing.ExtractText), typeof(ExtractTextActivity));
            r.AddActivity(new TaskName(DocumentProcessing.SegmentText), typeof(SegmentTextActivity));
            r.AddActivity(new TaskName(DocumentProcessing.StoreSegments), typeof(StoreSegmentsActivity));
            r.AddActivity(new TaskName(DocumentProcessing.RecordProcessed), typeof(RecordProcessedActivity));
            r.AddActivity(new TaskName(DocumentProcessing.RecordFailed), typeof(RecordFailedActivity));
        });
        // The SDK creates a Type-registered orchestrator without DI; this one needs the configured retry rule.
        services.AddOptions<DurableTaskRegistry>(Options.DefaultName).Configure<ActivityRetry>((r, retry) =>
            r.AddOrchestrator(new TaskName(DocumentProcessing.Orchestrator), () => new DocumentProcessingOrchestrator(retry)));
        services.AddDurableReconciler<DocumentProcessingReconciler>();
        services.AddOptions<Ingestion.IngestionOptions>().BindConfiguration(Ingestion.IngestionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Ingestion.BlobIngestion>();
        if (role.IsWorker)
        {
            services.AddHostedService<Ingestion.BlobIngestionScanner>();
        }
        return services;
    }

    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSeed001Group("/api/v1/documents").WithTags("Documents");
        // Bearer tokens and API keys, no cookies: there is no cross-site form to defend against.
        group.MapPost("/upload", DocumentUpload.UploadDocument).DisableAntiforgery();
        group.MapGet("/", ListDocuments);
        group.MapGet("/{document_id:guid}", GetDocument);
        group.MapPost("/{document_id:guid}/process", DocumentProcessing.ProcessDocument);
        return routes;
    }

    public static async Task<Ok<List<DocumentResponse>>> ListDocuments(ForgeDbContext db, CancellationToken ct, Guid? domain_id = null)
    {
        var query = db.Documents.AsNoTracking();
        if (domain_id is not null)
        {
            query = query.Where(d => d.DomainId == domain_id);
        }
        var documents = await query.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).ToListAsync(ct);
        return TypedResults.Ok(documents.Select(d => d.ToResponse()).ToList());
    }

    public static async Task<Ok<DocumentResponse>> GetDocument(Guid document_id, ForgeDbContext db, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == document_id, ct)
            ?? throw new NotFoundException("Document", document_id);
        return TypedResults.Ok(document.ToResponse());
    }
}
