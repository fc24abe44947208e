using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Shared.Data;
using Forge.Shared.Storage;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Ingestion;

/// <summary>
/// Forge on Azure Blob storage (Azurite): a blob put by an ordinary blob client under incoming/ is ingested
/// when Event Grid's BlobCreated event arrives, without waiting for a scan; the subscription handshake works.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EventGridIngestionTests(AzuriteFixture azurite) : IDisposable
{
    private const string Key = "s3cr3t-webhook-code";

    private readonly ForgeApiFactory _factory = new ForgeApiFactory()
        .WithSetting("Forge:Storage:Provider", "azure")
        .WithSetting("Forge:Storage:Azure:ConnectionString", azurite.ConnectionString)
        .WithSetting("Forge:Storage:Azure:Container", $"ingest{Guid.NewGuid():N}"[..20])
        .WithSetting("Forge:Ingestion:EventGridKey", Key)
        .WithSetting("Forge:Ingestion:SettleSeconds", "0")
        // An hour between scans: anything ingested within the test came through the webhook.
        .WithSetting("Forge:Ingestion:ScanIntervalMs", "3600000");

    public void Dispose() => _factory.Dispose();

    private static StringContent Events(object payload) => new(JsonSerializer.Serialize(payload), Encoding.UTF8, "application/json");

    [Fact]
    public async Task SubscriptionValidationHandshakeEchoesTheCode()
    {
        var response = await _factory.CreateClient().PostAsync($"/api/v1/ingestion/events?code={Key}", Events(new[]
        {
            new { id = "1", eventType = "Microsoft.EventGrid.SubscriptionValidationEvent", subject = "", eventTime = DateTime.UtcNow, dataVersion = "1", data = new { validationCode = "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" } },
        }));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"validationResponse":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}""");
    }

    [Fact]
    public async Task WrongCodeIsRefusedAndMalformedBodiesAre422()
    {
        var client = _factory.CreateClient();

        (await client.PostAsync("/api/v1/ingestion/events?code=nope", Events(Array.Empty<object>()))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.PostAsync("/api/v1/ingestion/events", Events(Array.Empty<object>()))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/api/v1/ingestion/events?code={Key}", new StringContent("{not json", Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task BlobCreatedEventIngestsTheBlobAtOnce()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _factory.IssueToken("alice"));
        var domain = JsonDocument.Parse(await (await client.PostAsJsonAsync("/api/v1/domains", new { name = "Azure", slug = "azure-drop", config = new { default_segment_type = "paragraph" } })).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var key = "incoming/azure-drop/geral/relatório anual.txt";
        await _factory.Services.GetRequiredService<IBlobStore>().PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes("Receita cresceu.\n\nCustos caíram.")));

        var response = await _factory.CreateClient().PostAsync($"/api/v1/ingestion/events?code={Key}", Events(new[]
        {
            new
            {
                id = Guid.NewGuid().ToString(), eventType = "Microsoft.Storage.BlobCreated", dataVersion = "1", eventTime = DateTime.UtcNow,
                subject = $"/blobServices/default/containers/forge/blobs/{Uri.EscapeDataString(key).Replace("%2F", "/")}",
                data = new { api = "PutBlob", contentType = "text/plain", contentLength = 30, blobType = "BlockBlob", url = "http://127.0.0.1/forge/x" },
            },
        }));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var documents = await _factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().Documents.AsNoTracking().Where(d => d.DomainId == domain).ToListAsync());
        documents.Should().ContainSingle().Which.OriginalFilename.Should().Be("relatório anual.txt");
        (await _factory.Services.GetRequiredService<IBlobStore>().GetPropertiesAsync(key)).Should().BeNull();
    }
}
