using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Tests.Infrastructure;
using Forge.Tests.Text;

namespace Forge.Tests.Domains;

/// <summary>
/// Seed 001's "Fluxo Completo" steps 1-3 with real files: upload, process through the engine (the
/// factory's host runs a worker), then the segments listing. On each database.
/// </summary>
public abstract class DocumentProcessingContract(ForgeApiFactory factory)
{
    private HttpClient Client() => factory.CreateAuthenticatedClient();

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<Guid> UploadAsync(byte[] bytes, string fileName)
    {
        var domain = await Json(await Client().PostAsJsonAsync("/api/v1/domains", new { name = "Lex", slug = $"lex-{Guid.NewGuid():N}"[..20] }));
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", fileName } };
        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain.GetProperty("id").GetGuid()}&use_case=legal", form);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await Json(response)).GetProperty("id").GetGuid();
    }

    private Task<JsonElement> WaitForEndAsync(Guid document) =>
        Poll.UntilAsync(async () => await Json(await Client().GetAsync($"/api/v1/documents/{document}")),
            body => body.GetProperty("status").GetString() is "processed" or "failed", $"document {document} to be processed");

    [Fact]
    public async Task PdfIsProcessedIntoClauseSegmentsWithPagesAndVersion()
    {
        var pdf = TestDocuments.Pdf([
            ["CONTRATO DE PRESTAÇÃO DE SERVIÇOS", "Cláusula 1ª – Do Objeto", "O presente contrato tem por objeto a prestação de serviços de consultoria."],
            ["Cláusula 2ª – Do Prazo", "O prazo de vigência é de doze meses, renovável por igual período."],
        ]);
        var document = await UploadAsync(pdf, "contrato.pdf");

        var accepted = await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "clause", segment_config = new { max_length = 500, overlap = 0 } });

        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var started = await Json(accepted);
        started.GetProperty("status").GetString().Should().Be("processing");
        var versionId = started.GetProperty("version_id").GetGuid();
        var ended = await WaitForEndAsync(document);
        ended.GetProperty("status").GetString().Should().Be("processed", ended.GetRawText());
        ended.GetProperty("metadata").GetProperty("pages").GetInt32().Should().Be(2);
        var segments = await Json(await Client().GetAsync($"/api/v1/segments?document_id={document}&segment_type=clause"));
        segments.EnumerateArray().Should().OnlyContain(s => s.GetProperty("document_version_id").GetGuid() == versionId);
        var clauses = segments.EnumerateArray().Where(s => s.GetProperty("metadata").TryGetProperty("clause_number", out _)).ToList();
        clauses.Should().HaveCount(2);
        clauses[0].GetProperty("content").GetString().Should().Contain("prestação de serviços de consultoria");
        clauses[1].GetProperty("metadata").GetProperty("page").GetInt32().Should().Be(2);
        segments.EnumerateArray().Select(s => s.GetProperty("position").GetInt32()).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task DocxIsProcessedWithHeadingsParagraphsAndTables()
    {
        var docx = TestDocuments.Docx(body =>
        {
            body.Append(TestDocuments.Heading("Política de Reembolso"));
            body.Append(TestDocuments.Para("O reembolso é feito em até trinta dias após a solicitação aprovada."));
            body.Append(TestDocuments.Table(["Plano", "Prazo"], ["Básico", "30 dias"]));
        });
        var document = await UploadAsync(docx, "politica.docx");

        (await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "paragraph" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var ended = await WaitForEndAsync(document);

        ended.GetProperty("status").GetString().Should().Be("processed", ended.GetRawText());
        ended.GetProperty("content_type").GetString().Should().Be("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        var contents = (await Json(await Client().GetAsync($"/api/v1/segments?document_id={document}"))).EnumerateArray().Select(s => s.GetProperty("content").GetString()).ToList();
        string.Join("\n", contents).Should().Contain("trinta dias").And.Contain("Básico | 30 dias");
    }

    [Fact]
    public async Task TextIsProcessedIntoParagraphsAndCannotBeProcessedTwice()
    {
        var text = "Introdução\n\nA empresa atua no setor de benefícios desde 1983.\n\nOs clientes recebem cartões de alimentação e refeição.";
        var document = await UploadAsync(Encoding.UTF8.GetBytes(text), "perfil.txt");

        (await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "paragraph" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var ended = await WaitForEndAsync(document);

        ended.GetProperty("status").GetString().Should().Be("processed");
        ended.GetProperty("metadata").GetProperty("segment_count").GetInt32().Should().BeGreaterThan(0);
        var again = await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "paragraph" });
        again.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Json(again)).GetProperty("details").GetProperty("status").GetString().Should().Be("Document is already processed");
    }

    [Fact]
    public async Task PdfWithoutTextFailsWithTheReasonInMetadata()
    {
        var document = await UploadAsync(TestDocuments.PdfWithoutText(), "scan.pdf");

        (await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "paragraph" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var ended = await WaitForEndAsync(document);

        ended.GetProperty("status").GetString().Should().Be("failed");
        ended.GetProperty("metadata").GetProperty("error").GetString().Should().Contain("text");
        (await Json(await Client().GetAsync($"/api/v1/segments?document_id={document}"))).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task InvalidProcessRequestsAre422Or404()
    {
        var document = await UploadAsync("Algum texto."u8.ToArray(), "a.txt");

        var unknownType = await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "sentence" });
        var badConfig = await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "faq", segment_config = new { max_length = "big" } });
        var unknownDocument = await Client().PostAsJsonAsync($"/api/v1/documents/{Guid.NewGuid()}/process", new { segment_type = "faq" });

        unknownType.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Json(unknownType)).GetProperty("details").GetProperty("segment_type").GetString().Should().Contain("paragraph, clause, chat_message, faq, crm_record");
        badConfig.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Json(badConfig)).GetProperty("details").TryGetProperty("segment_config.max_length", out _).Should().BeTrue();
        unknownDocument.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Json(await Client().GetAsync($"/api/v1/documents/{document}"))).GetProperty("status").GetString().Should().Be("uploaded");
    }
}

public sealed class SqliteDocumentProcessingTests(ForgeApiFactory factory) : DocumentProcessingContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresDocumentProcessingTests(PostgresForgeApiFactory factory) : DocumentProcessingContract(factory), IClassFixture<PostgresForgeApiFactory>;

public sealed class AutoProcessTests(ForgeApiFactory factory) : IClassFixture<ForgeApiFactory>
{
    [Fact]
    public async Task DomainWithAutoProcessProcessesUploadsWithItsDefaultSegmentation()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", factory.IssueToken("alice"));
        var domain = JsonDocument.Parse(await (await client.PostAsJsonAsync("/api/v1/domains", new
        {
            name = "FAQ",
            slug = "faq-auto",
            config = new { auto_process = true, default_segment_type = "faq", default_segment_config = new { max_length = 400 } },
        })).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var faq = "P: Qual o prazo de entrega?\nR: Até cinco dias úteis.\n\nP: Posso cancelar o pedido?\nR: Sim, em até sete dias.";
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(faq)), "file", "faq.txt" } };

        var uploaded = JsonDocument.Parse(await (await client.PostAsync($"/api/v1/documents/upload?domain_id={domain}", form)).Content.ReadAsStringAsync()).RootElement;

        uploaded.GetProperty("status").GetString().Should().Be("processing");
        var id = uploaded.GetProperty("id").GetGuid();
        var segments = await Poll.UntilAsync(
            async () => JsonDocument.Parse(await client.GetStringAsync($"/api/v1/segments?document_id={id}&segment_type=faq")).RootElement,
            segments => segments.GetArrayLength() > 0, "the uploaded document's segments");
        segments.EnumerateArray().Select(s => s.GetProperty("metadata").GetProperty("question").GetString())
            .Should().Equal("Qual o prazo de entrega?", "Posso cancelar o pedido?");
    }
}
