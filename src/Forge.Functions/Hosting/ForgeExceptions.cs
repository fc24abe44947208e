namespace Forge.Functions.Hosting;

/// <summary>
/// A failure a handler reports on purpose. The exception handler turns it into the error shape of the API
/// family that owns the route, so handlers never build error bodies themselves.
/// </summary>
public class ForgeApiException(int statusCode, string message, string? code = null, IReadOnlyDictionary<string, string>? details = null)
    : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The machine-readable code seed 002 clients switch on (e.g. <c>INSUFFICIENT_CREDITS</c>); defaulted from the status when absent.</summary>
    public string? Code { get; } = code;

    public IReadOnlyDictionary<string, string> Details { get; } = details ?? new Dictionary<string, string>();
}

/// <summary>404 with seed 001's wording: <c>Document with id 'xyz' not found</c>.</summary>
public sealed class NotFoundException(string resource, object id, string? code = null)
    : ForgeApiException(StatusCodes.Status404NotFound, $"{resource} with id '{id}' not found", code);

/// <summary>422 <c>Validation failed</c>, with one message per offending field.</summary>
public sealed class ValidationException(IReadOnlyDictionary<string, string> details, string? code = null)
    : ForgeApiException(StatusCodes.Status422UnprocessableEntity, "Validation failed", code, details)
{
    public ValidationException(string field, string message, string? code = null)
        : this(new Dictionary<string, string> { [field] = message }, code)
    {
    }
}

public sealed class ConflictException(string message, string? code = null)
    : ForgeApiException(StatusCodes.Status409Conflict, message, code);

public sealed class UnauthorizedException(string message = "Unauthorized")
    : ForgeApiException(StatusCodes.Status401Unauthorized, message);

public sealed class ForbiddenException(string message = "Forbidden")
    : ForgeApiException(StatusCodes.Status403Forbidden, message);

/// <summary>429; <c>retry_after</c> (seconds) is sent in the body for seed 003 and as the <c>Retry-After</c> header.</summary>
public sealed class TooManyRequestsException(int retryAfterSeconds, string message = "Rate limit exceeded")
    : ForgeApiException(StatusCodes.Status429TooManyRequests, message, "RATE_LIMITED")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
