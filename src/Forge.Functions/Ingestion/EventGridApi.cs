using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using Forge.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Ingestion;

public sealed record SubscriptionValidationResponse([property: JsonPropertyName("validationResponse")] string ValidationResponse);

/// <summary>
/// In Azure, an Event Grid subscription on the storage account's <c>BlobCreated</c> events calls this webhook,
/// so a dropped blob is ingested at once instead of at the next scan (which still runs and finds it done).
/// Event Grid cannot send a user token: the subscription URL carries <c>?code=</c>, compared with
/// <c>Forge:Ingestion:EventGridKey</c>; without a configured key the webhook is off.
/// </summary>
public static class EventGridApi
{
    public static IEndpointRouteBuilder MapEventGridApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/ingestion/events").WithTags("Ingestion").AllowAnonymous();
        group.MapPost("/", ReceiveEvents);
        return routes;
    }

    public static async Task<Results<Ok<SubscriptionValidationResponse>, Ok>> ReceiveEvents(HttpRequest request, BlobIngestion ingestion,
        IOptions<IngestionOptions> options, CancellationToken ct, string? code = null)
    {
        var key = options.Value.EventGridKey;
        if (string.IsNullOrEmpty(key))
        {
            throw new ForgeApiException(StatusCodes.Status404NotFound, "The Event Grid webhook is off: set Forge:Ingestion:EventGridKey");
        }
        if (code is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(code), Encoding.UTF8.GetBytes(key)))
        {
            throw new ForbiddenException("Invalid or missing webhook code");
        }
        EventGridEvent[] events;
        try
        {
            events = EventGridEvent.ParseMany(await BinaryData.FromStreamAsync(request.Body, ct));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or FormatException)
        {
            throw new ValidationException("body", "Expected an array of Event Grid events");
        }
        foreach (var gridEvent in events)
        {
            if (gridEvent.TryGetSystemEventData(out var data))
            {
                switch (data)
                {
                    case SubscriptionValidationEventData validation:
                        return TypedResults.Ok(new SubscriptionValidationResponse(validation.ValidationCode));
                    case StorageBlobCreatedEventData when BlobKeyOf(gridEvent.Subject) is { } blobKey && blobKey.StartsWith(IngestionOptions.Prefix, StringComparison.Ordinal):
                        await ingestion.IngestAsync(blobKey, ct);
                        break;
                }
            }
        }
        return TypedResults.Ok();
    }

    /// <summary>The blob key from a subject like <c>/blobServices/default/containers/forge/blobs/incoming/lex/x/a.pdf</c>.</summary>
    public static string? BlobKeyOf(string? subject)
    {
        const string marker = "/blobs/";
        var at = subject?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
        return at < 0 ? null : Uri.UnescapeDataString(subject![(at + marker.Length)..]);
    }
}
