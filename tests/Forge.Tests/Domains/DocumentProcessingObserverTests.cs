using Forge.Functions.Documents;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forge.Tests.Domains;

/// <summary>
/// How a processing run that failed outside the activity (its worker died, its retries ran out) fails its
/// document: with a reason a user can act on, never the engine's or .NET's own message. On each database.
/// </summary>
public abstract class DocumentProcessingObserverContract(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        await _database.MigrateAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<Document> FailRunAsync(string runError)
    {
        var now = DateTime.UtcNow;
        var domain = new Domain { Id = Guid.CreateVersion7(), Name = "Observed", Slug = $"obs-{Guid.NewGuid():N}"[..16], CreatedAt = now, UpdatedAt = now };
        var document = new Document
        {
            Id = Guid.CreateVersion7(), DomainId = domain.Id, Filename = "a.docx", OriginalFilename = "a.docx", S3Key = "documents/x/a.docx",
            ContentType = "text/plain", Format = "docx", Status = DocumentStatus.Processing, CreatedAt = now, UpdatedAt = now,
        };
        var version = new DocumentVersion { Id = Guid.CreateVersion7(), DocumentId = document.Id, Number = 1, SegmentType = "paragraph", CreatedAt = now };
        await _database.WithDbAsync(async db =>
        {
            db.AddRange(domain, document, version);
            return await db.SaveChangesAsync();
        });
        var run = new EngineRun { Id = Guid.NewGuid(), Type = DocumentProcessing.RunType, Subject = $"document:{document.Id}", Status = RunStatus.Failed, Error = runError };

        await _database.WithDbAsync(async db =>
        {
            await new DocumentProcessingObserver(TimeProvider.System).OnRunEndedAsync(db, run, CancellationToken.None);
            return await db.SaveChangesAsync();
        });

        return await _database.WithDbAsync(db => db.Documents.AsNoTracking().SingleAsync(d => d.Id == document.Id));
    }

    [Fact]
    public async Task WorkerDeathsFailTheDocumentSayingTheWorkerDied()
    {
        var document = await FailRunAsync($"{DocumentProcessing.ExtractAndSegment}: {WorkItemRunner.WorkerStopped} 2 times (the process died: crashed, killed or out of memory), so it is not run again.");

        document.Status.Should().Be(DocumentStatus.Failed);
        document.Metadata["error"]!.GetValue<string>().Should().Contain("died while reading it").And.Contain("will not be retried");
    }

    [Fact]
    public async Task ExhaustedRetriesFailTheDocumentWithoutTheExceptionMessage()
    {
        var document = await FailRunAsync($"{DocumentProcessing.ExtractAndSegment}: Specified argument was out of the range of valid values. (Parameter 'format') (after 5 attempts)");

        document.Status.Should().Be(DocumentStatus.Failed);
        document.Metadata["error"]!.GetValue<string>().Should().StartWith("Processing failed on an unexpected error").And.NotContain("Parameter").And.NotContain(DocumentProcessing.ExtractAndSegment);
    }
}

public sealed class SqliteDocumentProcessingObserverTests() : DocumentProcessingObserverContract(DatabaseProvider.Sqlite);

public sealed class PostgresDocumentProcessingObserverTests() : DocumentProcessingObserverContract(DatabaseProvider.Postgres);
