using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Forge.Functions.Hosting;

/// <summary>
/// The one place exceptions become HTTP errors: domain exceptions keep their status and message, request
/// binding failures become 422 naming the problem, and anything else is a 500 whose details stay in the log.
/// </summary>
public sealed partial class ForgeExceptionHandler(ILogger<ForgeExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = ToApiError(exception);
        if (error.StatusCode >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path, httpContext.TraceIdentifier);
        }
        await ApiErrorWriter.WriteAsync(httpContext, error);
        return true;
    }

    public static ApiError ToApiError(Exception exception) => exception switch
    {
        TooManyRequestsException e => new ApiError(e.StatusCode, e.Message, e.Code, e.Details, e.RetryAfterSeconds),
        ForgeApiException e => new ApiError(e.StatusCode, e.Message, e.Code, e.Details),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ApiError(StatusCodes.Status413PayloadTooLarge),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => new ApiError(StatusCodes.Status415UnsupportedMediaType),
        BadHttpRequestException { InnerException: JsonException json } => InvalidJson(json),
        // Parameter binding failures (missing or unparsable route/query/body values) are validation errors in seed 001's terms.
        BadHttpRequestException e => new ApiError(StatusCodes.Status422UnprocessableEntity, "Validation failed", "VALIDATION_ERROR",
            new Dictionary<string, string> { ["request"] = e.Message }),
        JsonException json => InvalidJson(json),
        _ => new ApiError(StatusCodes.Status500InternalServerError),
    };

    private static ApiError InvalidJson(JsonException exception)
    {
        var field = exception.Path is null or "$" ? "body" : exception.Path.StartsWith("$.", StringComparison.Ordinal) ? exception.Path[2..] : exception.Path;
        // The serializer's message names .NET types; the client only needs to know which field and what kind of problem.
        var problem = exception.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
            ? "Invalid type"
            : $"Malformed JSON (line {(exception.LineNumber ?? 0) + 1}, position {exception.BytePositionInLine ?? 0})";
        return new ApiError(StatusCodes.Status422UnprocessableEntity, "Validation failed", "VALIDATION_ERROR",
            new Dictionary<string, string> { [field] = problem });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path} (request {RequestId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path, string requestId);
}
