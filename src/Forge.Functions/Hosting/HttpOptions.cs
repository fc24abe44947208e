using System.ComponentModel.DataAnnotations;

namespace Forge.Functions.Hosting;

public sealed class HttpOptions : IValidatableObject
{
    public const string SectionName = "Forge:Http";

    /// <summary>110 MB by default, so seed 001's 100 MB uploads fit with their multipart overhead.</summary>
    [Range(1, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 110L * 1024 * 1024;

    /// <summary>Names and values of all request headers together (Kestrel's own default, 32 KB).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    [Range(1, 10_000)]
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>
    /// Proxies besides loopback whose X-Forwarded-Proto/Host/For are believed: IP addresses and CIDR networks,
    /// comma-separated (<c>10.0.0.0/8, 192.0.2.10</c>). See <see cref="TrustedProxies"/>.
    /// </summary>
    public string? TrustedProxies { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Hosting.TrustedProxies.Invalid(TrustedProxies).Select(entry => new ValidationResult(
            $"Forge:Http:TrustedProxies holds '{entry}', which is neither an IP address nor a CIDR network such as 10.0.0.0/8.", [nameof(TrustedProxies)]));

    /// <summary>
    /// Kestrel's own header limits are set this many times above Forge's, so an oversized request reaches the
    /// pipeline and gets a JSON 431 in its family's shape; only one beyond that gets Kestrel's bare 431.
    /// </summary>
    public const int KestrelHeaderHeadroom = 8;
}

/// <summary>
/// Rejects oversized headers (431) and a declared oversized body (413) before anything reads them. Kestrel enforces
/// the body limit on chunked bodies; this check also covers servers without that feature (the in-memory test server).
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<HttpOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limits = options.Value;
        if (HeadersTooLarge(context.Request.Headers, limits))
        {
            return ApiErrorWriter.WriteAsync(context, new ApiError(StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"Request headers too large: at most {limits.MaxRequestHeaderCount} headers and {limits.MaxRequestHeadersTotalBytes} bytes in all"));
        }
        // PostgreSQL cannot store or compare text holding NUL (SQLite can): refused alike on both, before any query.
        foreach (var (name, values) in context.Request.Query)
        {
            if (values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
            {
                throw new ValidationException(name, StrictJson.Nul);
            }
        }
        if (context.Request.ContentLength > limits.MaxRequestBodyBytes)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }
        return next(context);
    }

    private static bool HeadersTooLarge(IHeaderDictionary headers, HttpOptions limits)
    {
        if (headers.Count > limits.MaxRequestHeaderCount)
        {
            return true;
        }
        long total = 0;
        foreach (var (name, values) in headers)
        {
            total += name.Length;
            foreach (var value in values)
            {
                total += value?.Length ?? 0;
            }
        }
        return total > limits.MaxRequestHeadersTotalBytes;
    }
}
