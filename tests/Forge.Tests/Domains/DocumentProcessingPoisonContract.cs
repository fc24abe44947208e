using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Tests.Infrastructure;
using Forge.Tests.Text;

namespace Forge.Tests.Domains;

/// <summary>
/// Crafted files over HTTP through the real engine (the factory's host runs the worker): each ends its document
/// <c>failed</c> with a reason a user can read, and the host keeps processing the next document. On each database.
/// </summary>
public abstract class DocumentProcessingPoisonContract(ForgeApiFactory factory)
{
    private HttpClient Client() => factory.CreateAuthenticatedClient();

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<JsonElement> ProcessAsync(byte[] bytes, string fileName)
    {
        var domain = await Json(await Client().PostAsJsonAsync("/api/v1/domains", new { name = "Poison", slug = $"poison-{Guid.NewGuid():N}"[..20] }));
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", fileName } };
        var uploaded = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain.GetProperty("id").GetGuid()}", form);
        uploaded.StatusCode.Should().Be(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var document = (await Json(uploaded)).GetProperty("id").GetGuid();
        var accepted = await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "paragraph" });
        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        return await Poll.UntilAsync(async () => await Json(await Client().GetAsync($"/api/v1/documents/{document}")),
            body => body.GetProperty("status").GetString() is "processed" or "failed", $"document {document} to end", TimeSpan.FromSeconds(120));
    }

    private async Task HostStillProcessesAsync()
    {
        var after = await ProcessAsync("Depois do arquivo envenenado, o serviço continua."u8.ToArray(), "depois.txt");
        after.GetProperty("status").GetString().Should().Be("processed", after.GetRawText());
    }

    [Fact]
    public async Task DocxNestingAHundredThousandContentControlsFailsWithTheDepthReasonAndTheHostLives()
    {
        var ended = await ProcessAsync(CraftedDocx.DeeplyNestedDocx(100_000), "aninhado.docx");

        ended.GetProperty("status").GetString().Should().Be("failed", ended.GetRawText());
        ended.GetProperty("metadata").GetProperty("error").GetString().Should().StartWith("The DOCX file nests its XML more than 256 levels deep (the limit, Forge:Extraction:MaxDocxXmlDepth)");
        await HostStillProcessesAsync();
    }

    [Fact]
    public async Task DocxExpandingBeyondThePartLimitFailsNamingTheLimit()
    {
        var ended = await ProcessAsync(CraftedDocx.ExpandingDocx(33L * 1024 * 1024), "grande.docx");

        ended.GetProperty("status").GetString().Should().Be("failed", ended.GetRawText());
        ended.GetProperty("metadata").GetProperty("error").GetString().Should().Contain("32 MB limit (Forge:Extraction:MaxDocxPartBytes)");
        await HostStillProcessesAsync();
    }

    [Theory]
    [InlineData(".txt")]
    [InlineData("_.txt")]
    public async Task TextNamedOnlyByItsExtensionIsProcessed(string fileName)
    {
        var ended = await ProcessAsync("Um parágrafo.\n\nOutro parágrafo."u8.ToArray(), fileName);

        ended.GetProperty("status").GetString().Should().Be("processed", ended.GetRawText());
        ended.GetProperty("filename").GetString().Should().Be("document.txt");
        ended.GetProperty("metadata").GetProperty("segment_count").GetInt32().Should().BeGreaterThan(0);
    }
}

public sealed class SqliteDocumentProcessingPoisonTests(ForgeApiFactory factory) : DocumentProcessingPoisonContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresDocumentProcessingPoisonTests(PostgresForgeApiFactory factory) : DocumentProcessingPoisonContract(factory), IClassFixture<PostgresForgeApiFactory>;
