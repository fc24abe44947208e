using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Shared.Storage;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Domains;

/// <summary>
/// Seed 001's upload with hostile names, fields and multipart bodies: each is a 201 with a stored name that fits
/// every store, or a 4xx in seed 001's shape with neither a blob nor a row left behind. On each database.
/// </summary>
public abstract class DocumentUploadInputContract(ForgeApiFactory factory)
{
    private const string Boundary = "forge-test-boundary";
    private const string BoundaryOf200Characters = "b1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789";

    private HttpClient Client() => factory.CreateAuthenticatedClient();

    private async Task<Guid> DomainAsync()
    {
        var response = await Client().PostAsJsonAsync("/api/v1/domains", new { name = "Hostile", slug = $"hostile-{Guid.NewGuid():N}"[..20] });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>A multipart body written byte for byte, so the test controls exactly what the part headers say.</summary>
    private static ByteArrayContent RawMultipart(string partHeaders, string content = "Conteúdo do arquivo.", string contentType = $"multipart/form-data; boundary={Boundary}")
    {
        var body = Encoding.UTF8.GetBytes($"--{Boundary}\r\n{partHeaders}\r\n\r\n{content}\r\n--{Boundary}--\r\n");
        var raw = new ByteArrayContent(body);
        raw.Headers.TryAddWithoutValidation("Content-Type", contentType).Should().BeTrue();
        return raw;
    }

    private static HttpContent NamedFile(string fileName) =>
        RawMultipart($"Content-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\nContent-Type: text/plain");

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task ShouldBeRefusedWithNothingStoredAsync(HttpResponseMessage response, Guid domain, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, text);
        var body = await Json(response);
        body.GetProperty("error").GetString().Should().Be("Validation failed");
        body.GetProperty("details").GetProperty(field).GetString().Should().NotBeNullOrEmpty();
        body.GetProperty("request_id").GetString().Should().NotBeNullOrEmpty();
        text.Should().NotContain("Exception").And.NotContain("   at ");
        (await Json(await Client().GetAsync($"/api/v1/documents?domain_id={domain}"))).GetArrayLength().Should().Be(0);
        var blobs = factory.Services.GetRequiredService<IBlobStore>();
        (await blobs.ListAsync($"documents/{domain}/").ToListAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData("文", 150)]
    [InlineData("é", 180)]
    [InlineData("😀", 120)]
    public async Task LongNonAsciiFileNameIsStoredUnderANameCutByUtf8Bytes(string character, int count)
    {
        var domain = await DomainAsync();
        var original = string.Concat(Enumerable.Repeat(character, count)) + ".txt";
        using var form = new MultipartFormDataContent { { new ByteArrayContent("Olá, mundo."u8.ToArray()), "file", original } };

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}", form);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await Json(response);
        body.GetProperty("original_filename").GetString().Should().Be(original);
        var filename = body.GetProperty("filename").GetString()!;
        filename.Should().EndWith(".txt").And.StartWith(character);
        Encoding.UTF8.GetByteCount(filename).Should().BeLessThanOrEqualTo(BlobKey.MaxSegmentBytes);
        filename[..^4].Should().Be(string.Concat(Enumerable.Repeat(character, filename[..^4].Length / character.Length)), "whole characters only");
        var blobs = factory.Services.GetRequiredService<IBlobStore>();
        await using var stored = await blobs.OpenReadAsync(body.GetProperty("s3_key").GetString()!);
        stored.Should().NotBeNull();
    }

    [Theory]
    [InlineData(".txt")]
    [InlineData("_.txt")]
    [InlineData("...txt")]
    public async Task NameWithoutAStemIsStoredAsDocumentWithTheDetectedExtension(string fileName)
    {
        var domain = await DomainAsync();
        using var form = new MultipartFormDataContent { { new ByteArrayContent("Texto."u8.ToArray()), "file", fileName } };

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}", form);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await Json(response);
        body.GetProperty("filename").GetString().Should().Be("document.txt");
        body.GetProperty("s3_key").GetString().Should().EndWith("/document.txt");
    }

    [Fact]
    public async Task FileNameWithNulIs422AndNothingIsStored()
    {
        var domain = await DomainAsync();

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}",
            RawMultipart("Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''nul%00name.txt\r\nContent-Type: text/plain"));

        await ShouldBeRefusedWithNothingStoredAsync(response, domain, "file");
    }

    [Fact]
    public async Task UseCaseWithNulIs422AndNothingIsStored()
    {
        var domain = await DomainAsync();

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}&use_case=legal%00", NamedFile("a.txt"));

        await ShouldBeRefusedWithNothingStoredAsync(response, domain, "use_case");
    }

    [Fact]
    public async Task OriginalFileNameOver1024CharactersIs422AndNothingIsStored()
    {
        var domain = await DomainAsync();

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}", NamedFile(new string('a', 1100) + ".txt"));

        await ShouldBeRefusedWithNothingStoredAsync(response, domain, "file");
    }

    [Theory]
    [InlineData("Content-Disposition: form-data; name=\"file\"; filename=\"a.txt", $"multipart/form-data; boundary={Boundary}")]
    [InlineData("Content-Disposition", $"multipart/form-data; boundary={Boundary}")]
    [InlineData("Content-Type: text/plain", $"multipart/form-data; boundary={Boundary}")]
    [InlineData("Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"", "multipart/form-data")]
    [InlineData("Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"", "multipart/form-data; boundary=not-the-boundary-the-body-uses")]
    [InlineData("Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"", "multipart/form-data; boundary=" + BoundaryOf200Characters)]
    public async Task MalformedMultipartIs422InTheSeed001Shape(string partHeaders, string contentType)
    {
        var domain = await DomainAsync();

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}", RawMultipart(partHeaders, contentType: contentType));

        await ShouldBeRefusedWithNothingStoredAsync(response, domain, "file");
    }

    [Fact]
    public async Task HeaderLineBeyondTheMultipartReadersLimitIs422()
    {
        var domain = await DomainAsync();

        var response = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain}",
            RawMultipart($"Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nX-Padding: {new string('x', 20_000)}"));

        await ShouldBeRefusedWithNothingStoredAsync(response, domain, "file");
    }
}

public sealed class SqliteDocumentUploadInputTests(ForgeApiFactory factory) : DocumentUploadInputContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresDocumentUploadInputTests(PostgresForgeApiFactory factory) : DocumentUploadInputContract(factory), IClassFixture<PostgresForgeApiFactory>;
