using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Functions.Hosting;

namespace Forge.Functions.TrainingPairs;

/// <summary>
/// A PATCH body as a JSON object, read here rather than bound as <see cref="JsonObject"/>: the bound object refuses a
/// duplicate key only when first read, as an <see cref="ArgumentException"/> (a 500). Read with duplicates refused, a
/// key given twice is a 422 naming it, like any other malformed body; an empty body is an empty object, so each route
/// answers it with its own "field required".
/// </summary>
public sealed record PatchBody(JsonObject Fields)
{
    /// <summary>How every JSON text of the training pairs is read: a key given twice has no single meaning.</summary>
    public static JsonDocumentOptions Strict { get; } = new() { AllowDuplicateProperties = false };

    public static async ValueTask<PatchBody?> BindAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && request.ContentType is null))
        {
            return new PatchBody([]);
        }
        if (!request.HasJsonContentType())
        {
            throw new ForgeApiException(StatusCodes.Status415UnsupportedMediaType, "Send the body as JSON with Content-Type: application/json");
        }
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, Strict, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new ValidationException("body", Problem(e));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationException("body", "Must be a JSON object");
            }
            // Checked before any node reads a string: a lone surrogate would throw when first read (a 500), and NUL cannot be stored.
            if (StrictJson.FindBadText(document.RootElement) is var (path, problem))
            {
                throw new ValidationException(path.Length == 0 ? "body" : path, problem);
            }
            return new PatchBody(JsonObject.Create(document.RootElement.Clone())!);
        }
    }

    /// <summary>What is wrong with a JSON text, without the .NET type names the parser's message can carry.</summary>
    public static string Problem(JsonException e)
    {
        if (StrictJson.DuplicateKeyIn(e) is { } key)
        {
            return $"The key '{key}' is given twice; give each key once";
        }
        return $"Malformed JSON (line {(e.LineNumber ?? 0) + 1}, position {e.BytePositionInLine ?? 0})";
    }
}
