using System.Text.Json.Serialization;
using Forge.Shared.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Forge.Functions.Storage;

/// <summary>
/// Serves Forge-signed download URLs (<see cref="BlobUrlSigner"/>). Anonymous on purpose: the URL's signature
/// and expiry are the authorization, so a browser or a provider can fetch it without a token.
/// </summary>
public static class StorageApi
{
    public static IEndpointRouteBuilder MapStorageApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup($"/{BlobUrlSigner.RoutePrefix}").WithTags("Storage").AllowAnonymous();
        group.MapGet("/{**key}", DownloadBlob).WithName("DownloadBlob");
        return routes;
    }

    public static async Task<Results<FileStreamHttpResult, JsonHttpResult<StorageError>>> DownloadBlob(
        string key, string? expires, string? filename, string? sig,
        BlobUrlSigner signer, IBlobStore store, HttpContext httpContext, CancellationToken cancellationToken)
    {
        // A stored file is the uploader's bytes: a browser must neither guess another type for it nor run it as a page of Forge's origin.
        httpContext.Response.Headers.XContentTypeOptions = "nosniff";
        httpContext.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        switch (signer.Verify(key, expires, filename, sig))
        {
            case BlobSignatureCheck.Expired:
                return Error(httpContext, StatusCodes.Status403Forbidden, "download link expired");
            case BlobSignatureCheck.Invalid:
                return Error(httpContext, StatusCodes.Status403Forbidden, "invalid download signature");
        }
        try
        {
            // A signed key was valid when signed, so the store accepts it; only its absence is expected here.
            var download = await store.OpenReadAsync(key, cancellationToken);
            var properties = download.Properties;
            return TypedResults.Stream(download.Content, properties.ContentType, string.IsNullOrEmpty(filename) ? null : filename,
                properties.LastModified, enableRangeProcessing: true);
        }
        catch (BlobNotFoundException)
        {
            return Error(httpContext, StatusCodes.Status404NotFound, "blob not found");
        }
    }

    private static JsonHttpResult<StorageError> Error(HttpContext httpContext, int status, string error) =>
        TypedResults.Json(new StorageError(error, new Dictionary<string, object>(), httpContext.TraceIdentifier), statusCode: status);
}

/// <summary>Seed 001's error shape.</summary>
public sealed record StorageError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("details")] IReadOnlyDictionary<string, object> Details,
    [property: JsonPropertyName("request_id")] string RequestId);
