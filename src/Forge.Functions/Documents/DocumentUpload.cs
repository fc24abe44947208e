using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Forge.Shared.Storage;
using Forge.Shared.Text.Extraction;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Documents;

/// <summary>
/// <c>POST /api/v1/documents/upload?domain_id=&amp;use_case=</c> with a multipart <c>file</c> (seed 001). Everything
/// the client sent is checked before the blob is written, so a refused upload leaves neither blob nor row.
/// </summary>
public static class DocumentUpload
{
    /// <summary>The <c>original_filename</c> column's size.</summary>
    public const int MaxOriginalFileNameLength = 1024;

    public static async Task<Created<DocumentResponse>> UploadDocument(HttpRequest request, ForgeDbContext db, IBlobStore blobs, DurableTaskClient client,
        IOptions<UploadOptions> options, TimeProvider time, CancellationToken ct, string? domain_id = null, string? use_case = null)
    {
        var rules = new FieldRules()
            .Check(!string.IsNullOrWhiteSpace(domain_id), "domain_id", "Field required")
            .Check(string.IsNullOrWhiteSpace(domain_id) || Guid.TryParse(domain_id, out _), "domain_id", "Must be a UUID")
            .Length("use_case", use_case, 1, 100)
            .Check(StorableText.IsStorable(use_case), "use_case", "Must not contain NUL characters or invalid Unicode")
            .Check(request.HasFormContentType, "file", "Send the file as multipart/form-data in the field 'file'");
        rules.ThrowIfAny();
        var form = await ReadFormAsync(request, ct);
        var file = form.Files.GetFile("file");
        new FieldRules().Check(file is not null, "file", "Field required").ThrowIfAny();
        var originalFileName = Path.GetFileName(file!.FileName.Replace('\\', '/'));
        new FieldRules()
            .Check(originalFileName.Length <= MaxOriginalFileNameLength, "file", $"The file name is too long (at most {MaxOriginalFileNameLength} characters)")
            .Check(StorableText.IsStorable(originalFileName), "file", "The file name must not contain NUL characters or invalid Unicode")
            .ThrowIfAny();
        var domainId = Guid.Parse(domain_id!);
        var domain = await db.Domains.AsNoTracking().FirstOrDefaultAsync(d => d.Id == domainId, ct)
            ?? throw new NotFoundException("Domain", domainId);
        var limit = options.Value.MaxBytes;
        if (file.Length > limit)
        {
            throw new ForgeApiException(StatusCodes.Status413PayloadTooLarge, $"File too large: {file.Length} bytes (limit {limit} bytes)");
        }
        if (file.Length == 0)
        {
            throw new ValidationException("file", "The file is empty");
        }

        await using var content = file.OpenReadStream();
        var detection = DocumentFormats.Detect(file.FileName, content);
        if (!detection.IsSupported)
        {
            throw new ValidationException("file", detection.Reason!);
        }
        var document = await DocumentStorage.StoreAsync(blobs, Guid.CreateVersion7(), domainId, use_case, file.FileName, detection.Format!, content,
            time.GetUtcNow().UtcDateTime, ct);
        db.Documents.Add(document);
        // Same transaction as the document: it is never left uploaded-but-forgotten (the reconciler starts a lost run).
        var version = DomainDefaults.AutoProcess(domain)
            ? await DocumentProcessing.AddVersionAsync(db, document, DomainDefaults.SegmentType(domain), DomainDefaults.SegmentConfig(domain), time, ct)
            : null;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            // No document row, no orphan blob.
            await blobs.DeleteAsync(document.S3Key, CancellationToken.None);
            throw;
        }
        if (version is not null)
        {
            await DocumentProcessing.StartAsync(client, document.Id, version);
        }
        return TypedResults.Created($"/api/v1/documents/{document.Id}", document.ToResponse());
    }

    /// <summary>
    /// The form, or a 422 when the multipart body cannot be parsed (no boundary or one beyond the reader's
    /// limit, headers beyond its limits, no closing boundary): the client's fault, not the server's.
    /// </summary>
    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await request.ReadFormAsync(ct);
        }
        // A body that ends before its closing boundary is an IOException; BadHttpRequestException (also one) keeps
        // its own status, such as 413 for a body over the server's limit.
        catch (Exception ex) when (ex is InvalidDataException || (ex is IOException && ex is not BadHttpRequestException && !ct.IsCancellationRequested))
        {
            // The reader's message names its internals; the client needs to know what to fix.
            throw new ValidationException("file", "The multipart/form-data body is malformed; send the file as a well-formed part named 'file'");
        }
    }
}
