using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Domains;

/// <summary>Seed 001's document and segment reads, over rows written the way processing writes them.</summary>
public abstract class DocumentsAndSegmentsReadContract(ForgeApiFactory factory)
{
    private HttpClient Client() => factory.CreateAuthenticatedClient();

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private async Task<(Guid Domain, Guid Document, Guid Version)> SeedAsync(string useCase, string segmentType, int segments)
    {
        var slug = $"docs-{Guid.NewGuid():N}"[..20];
        var domain = JsonDocument.Parse(await (await Client().PostAsJsonAsync("/api/v1/domains", new { name = "Docs", slug })).Content.ReadAsStringAsync()).RootElement;
        var domainId = domain.GetProperty("id").GetGuid();
        var documentId = Guid.NewGuid();
        var versionId = Guid.NewGuid();
        var now = DateTime.UtcNow;
        await factory.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ForgeDbContext>();
            db.Documents.Add(new Document
            {
                Id = documentId, DomainId = domainId, UseCase = useCase, Filename = "contrato.pdf", OriginalFilename = "Contrato Social.pdf",
                S3Key = $"documents/{domainId}/{documentId}/contrato.pdf", ContentType = "application/pdf", FileSize = 1024,
                Status = DocumentStatus.Processed, Metadata = new JsonObject { ["pages"] = 3 }, CreatedAt = now, UpdatedAt = now,
            });
            db.DocumentVersions.Add(new DocumentVersion { Id = versionId, DocumentId = documentId, Number = 1, SegmentType = segmentType, CreatedAt = now, Status = DocumentStatus.Processed });
            for (var i = segments - 1; i >= 0; i--)
            {
                db.Segments.Add(new Segment
                {
                    Id = Guid.NewGuid(), DomainId = domainId, DocumentId = documentId, DocumentVersionId = versionId, UseCase = useCase,
                    SegmentType = segmentType, Content = $"Cláusula {i + 1}ª – texto", Position = i,
                    Metadata = new JsonObject { ["char_start"] = i * 10, ["page"] = 1 + i / 2 }, CreatedAt = now,
                });
            }
            return await db.SaveChangesAsync();
        });
        return (domainId, documentId, versionId);
    }

    [Fact]
    public async Task DocumentsAreListedByDomainAndFetchedInTheSeedsShape()
    {
        var (domain, document, _) = await SeedAsync("legal", "clause", 1);
        await SeedAsync("legal", "clause", 1);

        var listed = await Json(await Client().GetAsync($"/api/v1/documents?domain_id={domain}"));
        var fetched = await Json(await Client().GetAsync($"/api/v1/documents/{document}"));

        listed.EnumerateArray().Should().ContainSingle().Which.GetProperty("id").GetGuid().Should().Be(document);
        fetched.EnumerateObject().Select(p => p.Name).Should().Equal("id", "domain_id", "use_case", "filename", "original_filename", "s3_key", "content_type", "file_size", "status", "metadata", "created_at", "updated_at");
        fetched.GetProperty("s3_key").GetString().Should().Be($"documents/{domain}/{document}/contrato.pdf");
        fetched.GetProperty("status").GetString().Should().Be("processed");
        fetched.GetProperty("metadata").GetRawText().Should().Be("""{"pages":3}""");
        var unknown = Guid.NewGuid();
        var missing = await Client().GetAsync($"/api/v1/documents/{unknown}");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString().Should().Be($"Document with id '{unknown}' not found");
    }

    [Fact]
    public async Task SegmentFiltersCombineAndSegmentsComeInPositionOrder()
    {
        var (domain, document, version) = await SeedAsync("legal", "clause", 4);
        var (_, other, _) = await SeedAsync("chat", "paragraph", 2);

        var byDomain = await Json(await Client().GetAsync($"/api/v1/segments?domain_id={domain}"));
        var combined = await Json(await Client().GetAsync($"/api/v1/segments?domain_id={domain}&document_id={document}&use_case=legal&segment_type=clause"));
        var mismatch = await Json(await Client().GetAsync($"/api/v1/segments?document_id={document}&segment_type=paragraph"));
        var otherDoc = await Json(await Client().GetAsync($"/api/v1/segments?document_id={other}&use_case=chat"));

        byDomain.EnumerateArray().Select(s => s.GetProperty("position").GetInt32()).Should().Equal(0, 1, 2, 3);
        combined.GetArrayLength().Should().Be(4);
        mismatch.GetArrayLength().Should().Be(0);
        otherDoc.GetArrayLength().Should().Be(2);
        var first = byDomain[0];
        first.EnumerateObject().Select(p => p.Name).Should().Equal("id", "domain_id", "document_id", "document_version_id", "use_case", "segment_type", "content", "position", "metadata", "created_at");
        first.GetProperty("document_version_id").GetGuid().Should().Be(version);
        first.GetProperty("content").GetString().Should().Be("Cláusula 1ª – texto");
        var fetched = await Json(await Client().GetAsync($"/api/v1/segments/{first.GetProperty("id").GetGuid()}"));
        fetched.GetProperty("metadata").GetRawText().Should().Be("""{"char_start":0,"page":1}""");
        (await Client().GetAsync($"/api/v1/segments/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MalformedIdFilterIs422()
    {
        var response = await Client().GetAsync("/api/v1/segments?document_id=not-a-uuid");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }
}

public sealed class SqliteDocumentsAndSegmentsReadTests(ForgeApiFactory factory) : DocumentsAndSegmentsReadContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresDocumentsAndSegmentsReadTests(PostgresForgeApiFactory factory) : DocumentsAndSegmentsReadContract(factory), IClassFixture<PostgresForgeApiFactory>;
