using System.Text.Json;
using Forge.Shared.Storage;

namespace Forge.Functions.Documents;

/// <summary>
/// What one processing step hands the next (the extracted text, the segments) is kept in the blob store under
/// <c>processing/{document_id}/{version_id}/</c>, not in the orchestration's history: a document's text can be
/// megabytes, and the history is replayed at every step. A retried step rewrites the same key.
/// </summary>
public static class ProcessingArtifacts
{
    public static string TextKey(Guid documentId, Guid versionId) => $"processing/{documentId}/{versionId}/text.json";

    public static string SegmentsKey(Guid documentId, Guid versionId) => $"processing/{documentId}/{versionId}/segments.json";

    public static async Task WriteAsync<T>(IBlobStore blobs, string key, T value, CancellationToken ct)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value));
        await blobs.PutAsync(key, content, "application/json", ct);
    }

    public static async Task<T> ReadAsync<T>(IBlobStore blobs, string key, CancellationToken ct)
    {
        await using var blob = await blobs.OpenReadAsync(key, ct);
        return await JsonSerializer.DeserializeAsync<T>(blob.Content, cancellationToken: ct)
            ?? throw new InvalidDataException($"The processing artifact {key} is empty");
    }

    /// <summary>Once the outcome is recorded nothing reads them again.</summary>
    public static async Task DeleteAsync(IBlobStore blobs, Guid documentId, Guid versionId, CancellationToken ct)
    {
        await blobs.DeleteAsync(TextKey(documentId, versionId), ct);
        await blobs.DeleteAsync(SegmentsKey(documentId, versionId), ct);
    }
}
