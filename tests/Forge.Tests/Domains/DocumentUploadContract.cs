using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Shared.Storage;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Domains;

/// <summary>Seed 001's upload: checks, blob key, stored bytes and the document row, on each database.</summary>
public abstract class DocumentUploadContract(ForgeApiFactory factory)
{
    private HttpClient Client() => factory.CreateAuthenticatedClient();

    private async Task<Guid> DomainAsync()
    {
        var response = await Client().PostAsJsonAsync("/api/v1/domains", new { name = "Uploads", slug = $"up-{Guid.NewGuid():N}"[..19] });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private static MultipartFormDataContent Form(byte[] bytes, string fileName, string field = "file")
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(bytes), field, fileName);
        return form;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task TextFileIsStoredUnderItsKeyAndRecordedAsUploaded()
    {
        var domain = await DomainAsync();
        var bytes = Encoding.UTF8.GetBytes("Cláusula Primeira – Do Objeto\n\nO presente contrato tem por objeto a prestação de serviços.");

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}&use_case=chat-training", Form(bytes, "Contrato Social.txt"));

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await Json(response);
        var id = body.GetProperty("id").GetGuid();
        body.GetProperty("domain_id").GetGuid().Should().Be(domain);
        body.GetProperty("use_case").GetString().Should().Be("chat-training");
        body.GetProperty("original_filename").GetString().Should().Be("Contrato Social.txt");
        body.GetProperty("filename").GetString().Should().Be("Contrato_Social.txt");
        body.GetProperty("s3_key").GetString().Should().Be($"documents/{domain}/{id}/Contrato_Social.txt");
        body.GetProperty("content_type").GetString().Should().Be("text/plain");
        body.GetProperty("file_size").GetInt64().Should().Be(bytes.Length);
        body.GetProperty("status").GetString().Should().Be("uploaded");
        body.GetProperty("metadata").GetRawText().Should().Be("{}");
        var blobs = factory.Services.GetRequiredService<IBlobStore>();
        await using var stored = await blobs.OpenReadAsync(body.GetProperty("s3_key").GetString()!);
        using var copy = new MemoryStream();
        await stored.Content.CopyToAsync(copy);
        copy.ToArray().Should().Equal(bytes);
        (await Json(await Client().GetAsync($"/api/v1/documents/{id}"))).GetProperty("status").GetString().Should().Be("uploaded");
    }

    [Fact]
    public async Task PathsInTheFileNameAreNeverFollowed()
    {
        var domain = await DomainAsync();

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}", Form("hello"u8.ToArray(), "../../etc/passwd.txt"));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await Json(response);
        body.GetProperty("filename").GetString().Should().Be("passwd.txt");
        body.GetProperty("s3_key").GetString().Should().Be($"documents/{domain}/{body.GetProperty("id").GetGuid()}/passwd.txt");
    }

    [Theory]
    [InlineData("tool.exe", "MZ\u0090\u0000binary")]
    [InlineData("fake.pdf", "just text pretending to be a PDF")]
    [InlineData("fake.docx", "%PDF-1.7 not a docx")]
    public async Task UnsupportedOrMislabelledFilesAre422AndNothingIsStored(string fileName, string content)
    {
        var domain = await DomainAsync();

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}", Form(Encoding.Latin1.GetBytes(content), fileName));

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Json(response)).GetProperty("details").GetProperty("file").GetString().Should().NotBeNullOrEmpty();
        (await Json(await Client().GetAsync($"/api/v1/documents?domain_id={domain}"))).GetArrayLength().Should().Be(0);
        var blobs = factory.Services.GetRequiredService<IBlobStore>();
        (await blobs.ListAsync($"documents/{domain}/").ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task MissingOrUnknownDomainAndMissingFileAreRefused()
    {
        var domain = await DomainAsync();

        var noDomain = await Client().PostAsync("/api/v1/documents/upload", Form("x"u8.ToArray(), "a.txt"));
        var unknown = await Client().PostAsync($"/api/v1/documents/upload?domain_id={Guid.NewGuid()}", Form("x"u8.ToArray(), "a.txt"));
        var noFile = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}", Form("x"u8.ToArray(), "a.txt", field: "other"));

        noDomain.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Json(noDomain)).GetProperty("details").GetProperty("domain_id").GetString().Should().Be("Field required");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        noFile.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Json(noFile)).GetProperty("details").GetProperty("file").GetString().Should().Be("Field required");
    }
}

public sealed class SqliteDocumentUploadTests(ForgeApiFactory factory) : DocumentUploadContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresDocumentUploadTests(PostgresForgeApiFactory factory) : DocumentUploadContract(factory), IClassFixture<PostgresForgeApiFactory>;

public sealed class DocumentUploadLimitTests
{
    [Fact]
    public async Task FileAboveTheUploadLimitIs413InTheSeed001Shape()
    {
        using var factory = new ForgeApiFactory().WithSetting("Forge:Uploads:MaxBytes", "1024");
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", factory.IssueToken("alice"));
        var domain = JsonDocument.Parse(await (await client.PostAsJsonAsync("/api/v1/domains", new { name = "Big", slug = "big-files" })).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[4096]), "file", "big.txt" } };

        var response = await client.PostAsync($"/api/v1/documents/upload?domain_id={domain}", form);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("error").GetString().Should().Contain("limit 1024 bytes");
        body.GetProperty("request_id").GetString().Should().NotBeNullOrEmpty();
    }
}
