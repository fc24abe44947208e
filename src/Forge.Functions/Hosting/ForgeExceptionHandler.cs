using System.Text.Json;
using Forge.Shared.Data;
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
        BadHttpRequestException e => BindingFailure(e.Message),
        JsonException json => InvalidJson(json),
        _ when DbErrors.IsUnstorableText(exception) => Validation("request", StrictJson.Nul),
        _ => new ApiError(StatusCodes.Status500InternalServerError),
    };

    private static ApiError Validation(string field, string problem) =>
        new(StatusCodes.Status422UnprocessableEntity, "Validation failed", "VALIDATION_ERROR", new Dictionary<string, string> { [field] = problem });

    private static ApiError InvalidJson(JsonException exception)
    {
        var field = exception.Path is null or "$" ? "" : exception.Path.StartsWith("$.", StringComparison.Ordinal) ? exception.Path[2..] : exception.Path;
        // The serializer's messages name .NET types; the client only needs to know which field and what kind of problem.
        string problem;
        if (exception is InvalidJsonValueException invalid)
        {
            field = invalid.RelativePath.Length == 0 ? field : field.Length == 0 ? invalid.RelativePath : $"{field}.{invalid.RelativePath}";
            problem = invalid.Problem;
        }
        else if (StrictJson.DuplicateKeyIn(exception) is { } duplicate)
        {
            field = field.Length == 0 || field == duplicate ? duplicate : $"{field}.{duplicate}";
            problem = $"Duplicate key '{duplicate}'";
        }
        else if (exception.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            problem = "Invalid type";
        }
        else
        {
            problem = $"Malformed JSON (line {(exception.LineNumber ?? 0) + 1}, position {exception.BytePositionInLine ?? 0})";
        }
        return Validation(field.Length == 0 ? "body" : field, problem);
    }

    /// <summary>
    /// The framework's binding messages name .NET types (<c>Failed to bind parameter "Nullable&lt;Guid&gt; domain_id" from "x".</c>);
    /// the client gets the parameter's name and what was wrong with it.
    /// </summary>
    private static ApiError BindingFailure(string message)
    {
        var quoted = message.Split('"');
        // Parameter descriptions are "{Type} {name}": the name is the last word.
        var parameter = quoted.Length > 1 ? quoted[1][(quoted[1].LastIndexOf(' ') + 1)..] : "request";
        if (message.StartsWith("Failed to bind parameter", StringComparison.Ordinal))
        {
            return Validation(parameter, "Invalid value: not the expected format (a number, a UUID, true/false...)");
        }
        if (message.Contains("was not provided", StringComparison.Ordinal) || message.Contains("no body was provided", StringComparison.Ordinal))
        {
            return message.Contains("body", StringComparison.Ordinal)
                ? Validation("body", "Field required: a JSON body")
                : Validation(parameter, "Field required");
        }
        return Validation("request", "Invalid request");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path} (request {RequestId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path, string requestId);
}
