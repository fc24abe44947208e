using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Functions.Ingestion;
using Forge.Shared.Data;
using Forge.Shared.Storage;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Ingestion;

public sealed class IngestionFactory : ForgeApiFactory
{
    public IngestionFactory()
    {
        WithSetting("Forge:Ingestion:SettleSeconds", "0");
        WithSetting("Forge:Ingestion:ScanIntervalMs", "300");
    }
}

public sealed class PostgresIngestionFactory : PostgresForgeApiFactory
{
    public PostgresIngestionFactory()
    {
        WithSetting("Forge:Ingestion:SettleSeconds", "0");
        WithSetting("Forge:Ingestion:ScanIntervalMs", "300");
    }
}

/// <summary>Files dropped under incoming/ become processed documents exactly once, on each database.</summary>
public abstract class BlobIngestionContract(ForgeApiFactory factory)
{
    private const string Faq = "P: Qual o prazo de entrega?\nR: Até cinco dias úteis.\n\nP: Posso cancelar?\nR: Sim, em até sete dias.";

    private async Task<(Guid Id, string Slug)> DomainAsync()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", factory.IssueToken("alice"));
        var slug = $"drop-{Guid.NewGuid():N}"[..20];
        var response = await client.PostAsJsonAsync("/api/v1/domains", new { name = "Drop", slug, config = new { default_segment_type = "faq" } });
        return (JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid(), slug);
    }

    private Task<List<Document>> DocumentsAsync(Guid domain) => factory.WithScopeAsync(sp =>
        sp.GetRequiredService<ForgeDbContext>().Documents.AsNoTracking().Where(d => d.DomainId == domain).ToListAsync());

    private async Task<Document> WaitForProcessedAsync(Guid domain) =>
        (await Poll.UntilAsync(() => DocumentsAsync(domain),
            documents => documents.Count > 0 && documents.All(d => d.Status is DocumentStatus.Processed or DocumentStatus.Failed),
            "the dropped file to be ingested and processed")).Single();

    [Fact]
    public async Task BlobPutUnderIncomingBecomesAProcessedDocumentOfItsDomain()
    {
        var (domain, slug) = await DomainAsync();
        var key = $"incoming/{slug}/suporte/perguntas frequentes.txt";
        await factory.Services.GetRequiredService<IBlobStore>().PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(Faq)));

        var document = await WaitForProcessedAsync(domain);

        document.Status.Should().Be(DocumentStatus.Processed);
        document.UseCase.Should().Be("suporte");
        document.OriginalFilename.Should().Be("perguntas frequentes.txt");
        document.Metadata["source"]!.GetValue<string>().Should().Be(key);
        var segments = await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().Segments.AsNoTracking().Where(s => s.DocumentId == document.Id).OrderBy(s => s.Position).ToListAsync());
        segments.Select(s => s.Metadata["question"]!.GetValue<string>()).Should().Equal("Qual o prazo de entrega?", "Posso cancelar?");
        (await factory.Services.GetRequiredService<IBlobStore>().GetPropertiesAsync(key)).Should().BeNull("an ingested blob leaves incoming/");
    }

    [Fact]
    public async Task ConcurrentWorkersIngestEachBlobVersionExactlyOnce()
    {
        var (domain, slug) = await DomainAsync();
        var key = $"incoming/{slug}/suporte/race.txt";
        await factory.Services.GetRequiredService<IBlobStore>().PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(Faq)));

        // Eight workers (each its own scope and connection) plus the host's own scanner race for the same blob.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => factory.WithScopeAsync(async sp =>
        {
            try
            {
                return await sp.GetRequiredService<BlobIngestion>().IngestAsync(key, CancellationToken.None);
            }
            catch (BlobNotFoundException)
            {
                return false; // the winner already removed it
            }
        })));
        await WaitForProcessedAsync(domain);

        results.Count(r => r).Should().BeLessThanOrEqualTo(1);
        (await DocumentsAsync(domain)).Should().ContainSingle();
        var records = await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().IngestedBlobs.AsNoTracking().Where(b => b.BlobKey == key).ToListAsync());
        records.Should().ContainSingle().Which.Status.Should().Be(IngestedBlobStatus.Ingested);
    }

    [Fact]
    public async Task BlobForAnUnknownDomainIsRecordedAsRejectedOnceAndLeftInPlace()
    {
        var key = $"incoming/no-such-domain-{Guid.NewGuid():N}/x/a.txt";
        var blobs = factory.Services.GetRequiredService<IBlobStore>();
        await blobs.PutAsync(key, new MemoryStream("texto"u8.ToArray()));

        await factory.WithScopeAsync(sp => sp.GetRequiredService<BlobIngestion>().ScanOnceAsync(CancellationToken.None));
        await factory.WithScopeAsync(sp => sp.GetRequiredService<BlobIngestion>().ScanOnceAsync(CancellationToken.None));

        var records = await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().IngestedBlobs.AsNoTracking().Where(b => b.BlobKey == key).ToListAsync());
        records.Should().ContainSingle().Which.Reason.Should().Contain("No domain with slug");
        (await blobs.GetPropertiesAsync(key)).Should().NotBeNull();
    }

    [Fact]
    public async Task UnsupportedFileIsRejectedWithTheReasonAndCreatesNoDocument()
    {
        var (domain, slug) = await DomainAsync();
        var key = $"incoming/{slug}/x/tool.exe";
        await factory.Services.GetRequiredService<IBlobStore>().PutAsync(key, new MemoryStream("MZ binary"u8.ToArray()));

        await factory.WithScopeAsync(sp => sp.GetRequiredService<BlobIngestion>().ScanOnceAsync(CancellationToken.None));

        var record = await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().IngestedBlobs.AsNoTracking().SingleAsync(b => b.BlobKey == key));
        record.Status.Should().Be(IngestedBlobStatus.Rejected);
        record.Reason.Should().NotBeNullOrEmpty();
        (await DocumentsAsync(domain)).Should().BeEmpty();
    }
    [Theory]
    [InlineData("a\\b.txt")]
    [InlineData("nota\u0001.txt")]
    [InlineData("nota.")]
    public async Task ABadlyNamedFileIsRecordedOnceAndDoesNotBlockTheFileBesideIt(string badName)
    {
        var (domain, slug) = await DomainAsync();
        // Copied in by a tool that knows nothing of blob keys: a name no key may have, beside a good file.
        var folder = Path.Combine(factory.DataPath, "blobs", "incoming", slug, "suporte");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, badName), Faq);
        await File.WriteAllTextAsync(Path.Combine(folder, "boa.txt"), Faq);
        var badKey = $"incoming/{slug}/suporte/{badName}";

        var first = await factory.WithScopeAsync(sp => sp.GetRequiredService<BlobIngestion>().ScanOnceAsync(CancellationToken.None));
        await factory.WithScopeAsync(sp => sp.GetRequiredService<BlobIngestion>().ScanOnceAsync(CancellationToken.None));

        var document = await WaitForProcessedAsync(domain);
        document.OriginalFilename.Should().Be("boa.txt");
        document.Status.Should().Be(DocumentStatus.Processed);
        var records = await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().IngestedBlobs.AsNoTracking().Where(b => b.BlobKey == badKey).ToListAsync());
        records.Should().ContainSingle("a refused name is recorded once, however often it is scanned");
        records[0].Status.Should().Be(IngestedBlobStatus.Rejected);
        records[0].Reason.Should().StartWith("The blob's name cannot be used").And.NotContain("Parameter");
        File.Exists(Path.Combine(folder, badName)).Should().BeTrue("a refused file is left where it is");
        first.Should().BeLessThanOrEqualTo(1);
    }

    [Fact]
    public async Task AnEventForABadlyNamedBlobIsRecordedNotThrown()
    {
        var key = $"incoming/x/y/bad\\name-{Guid.NewGuid():N}.txt";

        var ingested = await factory.WithScopeAsync(sp => sp.GetRequiredService<BlobIngestion>().IngestAsync(key, CancellationToken.None));

        ingested.Should().BeFalse();
        var record = await factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().IngestedBlobs.AsNoTracking().SingleAsync(b => b.BlobKey == key));
        record.Reason.Should().Contain("'\\'");
    }
}


public sealed class SqliteBlobIngestionTests(IngestionFactory factory) : BlobIngestionContract(factory), IClassFixture<IngestionFactory>;

public sealed class PostgresBlobIngestionTests(PostgresIngestionFactory factory) : BlobIngestionContract(factory), IClassFixture<PostgresIngestionFactory>;

public sealed class FileCopiedIntoTheIncomingFolderTests(IngestionFactory factory) : IClassFixture<IngestionFactory>
{
    [Fact]
    public async Task FileCopiedIntoTheFolderByAnyToolIsIngested()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", factory.IssueToken("alice"));
        var domain = JsonDocument.Parse(await (await client.PostAsJsonAsync("/api/v1/domains", new { name = "Copy", slug = "copied-in" })).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var folder = Path.Combine(factory.DataPath, "blobs", "incoming", "copied-in", "geral");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "nota.txt"), "Primeiro parágrafo da nota.\n\nSegundo parágrafo.");

        var documents = await Poll.UntilAsync(
            () => factory.WithScopeAsync(sp => sp.GetRequiredService<ForgeDbContext>().Documents.AsNoTracking().Where(d => d.DomainId == domain).ToListAsync()),
            documents => documents.Count > 0 && documents[0].Status == DocumentStatus.Processed, "the copied file to be processed");

        documents.Should().ContainSingle().Which.Status.Should().Be(DocumentStatus.Processed);
        File.Exists(Path.Combine(folder, "nota.txt")).Should().BeFalse();
    }
}
