using System.ComponentModel.DataAnnotations;

namespace Forge.Functions.Hosting;

public sealed class HttpOptions
{
    public const string SectionName = "Forge:Http";

    /// <summary>110 MB by default, so seed 001's 100 MB uploads fit with their multipart overhead.</summary>
    [Range(1, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 110L * 1024 * 1024;
}

/// <summary>
/// Rejects a declared oversized body before anything reads it. Kestrel enforces the same limit on chunked
/// bodies; this check also covers servers without that feature (the in-memory test server).
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<HttpOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > options.Value.MaxRequestBodyBytes)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }
        return next(context);
    }
}
