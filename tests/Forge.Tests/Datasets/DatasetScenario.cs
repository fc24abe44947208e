using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Datasets;

/// <summary>Seed 001's "Fluxo Completo" steps 1-5 over HTTP: a domain, a processed document, a template and a dataset.</summary>
public sealed class DatasetScenario(HttpClient client)
{
    public const string Policy = """
        Política de Reembolso

        O cliente pode pedir o reembolso integral em até trinta dias após a compra. O pedido é feito pelo portal do cliente, na seção de pedidos. O valor é devolvido no mesmo meio de pagamento usado na compra.

        Prazos de Entrega

        As entregas nas capitais acontecem em até cinco dias úteis. Nas demais cidades o prazo é de até dez dias úteis. O rastreamento fica disponível no portal assim que o pedido é despachado.

        Garantia dos Produtos

        Todos os produtos têm garantia de doze meses contra defeitos de fabricação. A garantia não cobre danos causados por mau uso ou quedas. Para acionar a garantia, o cliente abre um chamado com a nota fiscal.

        Atendimento ao Cliente

        O atendimento funciona de segunda a sexta, das oito às dezoito horas. Fora desse horário, o cliente pode deixar uma mensagem pelo portal. Todas as mensagens são respondidas no próximo dia útil.
        """;

    public Guid DomainId { get; private set; }
    public Guid DocumentId { get; private set; }
    public Guid TemplateId { get; private set; }
    public List<Guid> SegmentIds { get; private set; } = [];

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Steps 1-4: domain, upload, process into paragraphs (waited for), template.</summary>
    public async Task<DatasetScenario> WithProcessedDocumentAsync(string text = Policy)
    {
        var domain = await Expect(await client.PostAsJsonAsync("/api/v1/domains", new { name = "VR Chat", slug = $"vr-{Guid.NewGuid():N}"[..20] }), HttpStatusCode.Created);
        DomainId = domain.GetProperty("id").GetGuid();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "file", "politica.txt" } };
        var document = await Expect(await client.PostAsync($"/api/v1/documents/upload?domain_id={DomainId}&use_case=chat-training", form), HttpStatusCode.Created);
        DocumentId = document.GetProperty("id").GetGuid();
        await Expect(await client.PostAsJsonAsync($"/api/v1/documents/{DocumentId}/process", new { segment_type = "paragraph", segment_config = new { max_length = 500 } }), HttpStatusCode.Accepted);
        await Poll.UntilAsync(async () => await Json(await client.GetAsync($"/api/v1/documents/{DocumentId}")),
            d => d.GetProperty("status").GetString() is "processed" or "failed", "the document to be processed");
        var segments = await Json(await client.GetAsync($"/api/v1/segments?document_id={DocumentId}"));
        SegmentIds = segments.EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList();
        SegmentIds.Should().NotBeEmpty();
        var template = await Expect(await client.PostAsJsonAsync("/api/v1/templates", new
        {
            domain_id = DomainId,
            name = "Template Chat",
            system_prompt = "Você é um assistente útil.",
            user_prompt_template = "Contexto: {content}\n\nResponda:",
        }), HttpStatusCode.Created);
        TemplateId = template.GetProperty("id").GetGuid();
        return this;
    }

    /// <summary>Step 5.</summary>
    public async Task<Guid> CreateDatasetAsync(string provider = "openai", object? generationConfig = null, object? autoExport = null, object? segmentFilter = null)
    {
        var dataset = await Expect(await client.PostAsJsonAsync("/api/v1/datasets", new
        {
            domain_id = DomainId,
            template_id = TemplateId,
            name = "Dataset Chat",
            provider,
            generation_config = generationConfig ?? new { model = "gpt-4", temperature = 0.7 },
            segment_filter = segmentFilter,
            auto_export = autoExport,
        }), HttpStatusCode.Created);
        return dataset.GetProperty("id").GetGuid();
    }

    /// <summary>Step 6, waited for until the dataset leaves <c>generating</c>.</summary>
    public async Task<JsonElement> GenerateAsync(Guid datasetId, int? maxItems = null, int batchSize = 10, IEnumerable<Guid>? segmentIds = null)
    {
        var accepted = await Expect(await client.PostAsJsonAsync("/api/v1/datasets/generate", new { dataset_id = datasetId, max_items = maxItems, batch_size = batchSize, segment_ids = segmentIds }), HttpStatusCode.Accepted);
        accepted.GetRawText().Should().Be("""{"status":"generating","items_created":0}""");
        return await WaitForGenerationAsync(datasetId);
    }

    public Task<JsonElement> WaitForGenerationAsync(Guid datasetId, TimeSpan? timeout = null) =>
        Poll.UntilAsync(async () => await Json(await client.GetAsync($"/api/v1/datasets/{datasetId}")),
            d => d.GetProperty("status").GetString() != "generating", $"dataset {datasetId} to finish generating", timeout ?? TimeSpan.FromSeconds(90));

    public async Task<List<JsonElement>> PendingAsync(Guid datasetId) =>
        (await Json(await client.GetAsync($"/api/v1/dataset/review/pending?dataset_id={datasetId}"))).EnumerateArray().ToList();
}
