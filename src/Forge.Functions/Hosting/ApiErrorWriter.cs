using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Forge.Functions.Hosting;

/// <summary>The three error shapes the seeds define; which one a route uses depends on who owns it.</summary>
public enum ApiErrorFamily
{
    /// <summary>Seed 001 (also 000 and 004): <c>{"error","details","request_id"}</c>.</summary>
    Core,

    /// <summary>Seed 002, <c>/api/train/*</c>: <c>{"code","message","timestamp"}</c>.</summary>
    Training,

    /// <summary>Seed 003, <c>/jobs</c> and <c>/ws</c>: <c>{"error","message","details"?}</c>.</summary>
    Media,
}

public sealed record ApiError(
    int StatusCode,
    string? Message = null,
    string? Code = null,
    IReadOnlyDictionary<string, string>? Details = null,
    int? RetryAfterSeconds = null);

/// <summary>Writes every error body Forge sends, in the shape of the route's API family.</summary>
public static class ApiErrorWriter
{
    public static ApiErrorFamily FamilyOf(PathString path)
    {
        if (path.StartsWithSegments("/api/train"))
        {
            return ApiErrorFamily.Training;
        }
        if (path.StartsWithSegments("/jobs") || path.StartsWithSegments("/ws"))
        {
            return ApiErrorFamily.Media;
        }
        return ApiErrorFamily.Core;
    }

    public static async Task WriteAsync(HttpContext context, ApiError error)
    {
        var response = context.Response;
        response.StatusCode = error.StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers[RequestIdMiddleware.HeaderName] = context.TraceIdentifier;
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            switch (FamilyOf(context.Request.Path))
            {
                case ApiErrorFamily.Training:
                    json.WriteString("code", error.Code ?? DefaultCode(error.StatusCode));
                    json.WriteString("message", error.Message ?? DefaultMessage(error.StatusCode));
                    var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
                    json.WriteString("timestamp", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                    break;
                case ApiErrorFamily.Media:
                    json.WriteString("error", ReasonPhrases.GetReasonPhrase(error.StatusCode));
                    json.WriteString("message", error.Message ?? DefaultMessage(error.StatusCode));
                    if (error.Details is { Count: > 0 })
                    {
                        WriteDetails(json, error.Details);
                    }
                    if (error.RetryAfterSeconds is { } seconds)
                    {
                        json.WriteNumber("retry_after", seconds);
                    }
                    break;
                default:
                    json.WriteString("error", error.Message ?? ReasonPhrases.GetReasonPhrase(error.StatusCode));
                    WriteDetails(json, error.Details);
                    json.WriteString("request_id", context.TraceIdentifier);
                    break;
            }
            json.WriteEndObject();
        }
        response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(response.Body, context.RequestAborted);
    }

    private static void WriteDetails(Utf8JsonWriter json, IReadOnlyDictionary<string, string>? details)
    {
        json.WriteStartObject("details");
        foreach (var (key, value) in details ?? new Dictionary<string, string>())
        {
            json.WriteString(key, value);
        }
        json.WriteEndObject();
    }

    public static string DefaultCode(int statusCode) => statusCode switch
    {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        409 => "CONFLICT",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        431 => "HEADERS_TOO_LARGE",
        422 => "VALIDATION_ERROR",
        429 => "RATE_LIMITED",
        >= 500 => "INTERNAL_ERROR",
        _ => "ERROR",
    };

    public static string DefaultMessage(int statusCode) => statusCode switch
    {
        400 => "Invalid request",
        401 => "Invalid or missing authentication token",
        403 => "Insufficient permissions",
        404 => "Resource not found",
        405 => "Method not allowed",
        413 => "Request body too large",
        415 => "Unsupported media type",
        422 => "Validation failed",
        431 => "Request headers too large",
        429 => "Rate limit exceeded",
        500 => "An unexpected error occurred",
        _ => ReasonPhrases.GetReasonPhrase(statusCode) is { Length: > 0 } phrase ? phrase : "Error",
    };
}
