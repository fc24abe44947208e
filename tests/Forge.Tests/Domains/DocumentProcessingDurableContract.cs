using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Functions.Documents;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Storage;
using Forge.Tests.Infrastructure;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Domains;

/// <summary>Two attempts a step, a second apart; the reconciler only when a test runs it.</summary>
public sealed class DurableDocumentsFactory : ForgeApiFactory
{
    public DurableDocumentsFactory() => DurableDocumentsSettings.Apply(this);
}

public sealed class PostgresDurableDocumentsFactory : PostgresForgeApiFactory
{
    public PostgresDurableDocumentsFactory() => DurableDocumentsSettings.Apply(this);
}

internal static class DurableDocumentsSettings
{
    public static void Apply(ForgeApiFactory factory) => factory
        .WithSetting("Forge:Durable:Retry:MaxAttempts", "2")
        .WithSetting("Forge:Durable:Retry:FirstDelaySeconds", "1")
        .WithSetting("Forge:Durable:Reconcile:IntervalSeconds", "0");
}

/// <summary>
/// How a processing run that fails outside the file's own reasons ends its document — a step failing on every
/// attempt, workers dying in a step — and how the reconciler starts a processing recorded but never scheduled:
/// over HTTP and the real backend, on each database.
/// </summary>
public abstract class DocumentProcessingDurableContract(ForgeApiFactory factory)
{
    private HttpClient Client() => factory.CreateAuthenticatedClient();

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static CancellationToken Bounded() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private Task<T> Db<T>(Func<ForgeDbContext, Task<T>> query) => factory.WithScopeAsync(sp => query(sp.GetRequiredService<ForgeDbContext>()));

    private async Task<JsonElement> UploadAsync(string text)
    {
        var domain = await Json(await Client().PostAsJsonAsync("/api/v1/domains", new { name = "Durable", slug = $"durable-{Guid.NewGuid():N}"[..20] }));
        using var form = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text)), "file", "texto.txt" } };
        var uploaded = await Client().PostAsync($"/api/v1/documents/upload?domain_id={domain.GetProperty("id").GetGuid()}", form);
        uploaded.StatusCode.Should().Be(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        return await Json(uploaded);
    }

    private Task<JsonElement> WaitForEndAsync(Guid document) =>
        Poll.UntilAsync(async () => await Json(await Client().GetAsync($"/api/v1/documents/{document}")),
            body => body.GetProperty("status").GetString() is "processed" or "failed", $"document {document} to end", TimeSpan.FromSeconds(120));

    /// <summary>Records the next version as the endpoint does, committed but not scheduled, as if the process died in between.</summary>
    private Task<DocumentVersion> RecordWithoutScheduleAsync(Guid documentId, int unfinishedAttempts = 0) => Db(async db =>
    {
        var document = await db.Documents.SingleAsync(d => d.Id == documentId);
        var version = await DocumentProcessing.AddVersionAsync(db, document, "paragraph", [], TimeProvider.System, CancellationToken.None);
        version.CreatedAt = DateTime.UtcNow.AddMinutes(-1);
        version.UnfinishedAttempts = unfinishedAttempts;
        await db.SaveChangesAsync();
        return version;
    });

    [Fact]
    public async Task AStepFailingOnEveryAttemptFailsTheDocumentWithoutTheExceptionMessage()
    {
        var uploaded = await UploadAsync("Um parágrafo.\n\nOutro parágrafo.");
        var document = uploaded.GetProperty("id").GetGuid();
        // The blob gone: reading it fails with an exception no file causes, on every attempt.
        await factory.Services.GetRequiredService<IBlobStore>().DeleteAsync(uploaded.GetProperty("s3_key").GetString()!);

        (await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "paragraph" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var ended = await WaitForEndAsync(document);

        ended.GetProperty("status").GetString().Should().Be("failed", ended.GetRawText());
        ended.GetProperty("metadata").GetProperty("error").GetString().Should().Be(DocumentProcessingOrchestrator.UnexpectedFailure)
            .And.NotContain("Blob").And.NotContain(DocumentProcessing.ExtractText);
        var version = await Db(db => db.DocumentVersions.AsNoTracking().SingleAsync(v => v.DocumentId == document));
        version.Status.Should().Be(DocumentStatus.Failed);
        version.UnfinishedAttempts.Should().Be(0, "an attempt that threw ended: only a dead worker leaves one counted");
    }

    [Fact]
    public async Task AVersionWhoseWorkersDiedAsOftenAsTheRetryRuleAllowsFailsSayingSoWithoutReadingTheFileAgain()
    {
        var document = (await UploadAsync("Um parágrafo.")).GetProperty("id").GetGuid();
        var version = await RecordWithoutScheduleAsync(document, unfinishedAttempts: 2);

        await DocumentProcessing.StartAsync(factory.Services.GetRequiredService<DurableTaskClient>(), document, version);
        var ended = await WaitForEndAsync(document);

        ended.GetProperty("status").GetString().Should().Be("failed", ended.GetRawText());
        ended.GetProperty("metadata").GetProperty("error").GetString().Should().Be(ProcessingAttempts.WorkerDied);
        (await Db(db => db.Segments.CountAsync(s => s.DocumentId == document))).Should().Be(0);
    }

    [Fact]
    public async Task AProcessingRecordedButNeverScheduledIsStartedByTheReconcilerAndCompletes()
    {
        var document = (await UploadAsync("Primeiro parágrafo.\n\nSegundo parágrafo.")).GetProperty("id").GetGuid();
        var version = await RecordWithoutScheduleAsync(document);
        var client = factory.Services.GetRequiredService<DurableTaskClient>();
        var instanceId = DocumentProcessing.InstanceId(document, version.Number);
        (await client.GetInstanceAsync(instanceId)).Should().BeNull();

        var started = await factory.WithScopeAsync(sp => sp.GetRequiredService<DurableReconciliation>().RunOnceAsync(CancellationToken.None));
        var ended = await WaitForEndAsync(document);

        started.Should().BeGreaterThanOrEqualTo(1);
        ended.GetProperty("status").GetString().Should().Be("processed", ended.GetRawText());
        ended.GetProperty("metadata").GetProperty("version_id").GetString().Should().Be(version.Id.ToString());
        ended.GetProperty("metadata").GetProperty("segment_count").GetInt32().Should().Be(2);
        (await client.WaitForInstanceCompletionAsync(instanceId, Bounded())).RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed);
        var again = await factory.WithScopeAsync(sp => sp.GetRequiredService<DurableReconciliation>().RunOnceAsync(CancellationToken.None));
        again.Should().Be(0, "a processed version names no run to start");
    }

    [Fact]
    public async Task ADoubleProcessStartsOneRunAndAfterAFailureANewRequestStartsTheNextVersion()
    {
        var uploaded = await UploadAsync("Um parágrafo.\n\nOutro parágrafo.");
        var document = uploaded.GetProperty("id").GetGuid();
        var blobs = factory.Services.GetRequiredService<IBlobStore>();
        var key = uploaded.GetProperty("s3_key").GetString()!;
        await using (var original = await blobs.OpenReadAsync(key))
        {
            var copy = new MemoryStream();
            await original.Content.CopyToAsync(copy);
            await blobs.DeleteAsync(key);
            var requests = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
                Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "paragraph" })));

            requests.Select(r => r.StatusCode).Should().BeEquivalentTo([HttpStatusCode.Accepted, HttpStatusCode.UnprocessableEntity]);
            (await WaitForEndAsync(document)).GetProperty("status").GetString().Should().Be("failed");
            copy.Position = 0;
            await blobs.PutAsync(key, copy);
        }

        var retried = await Client().PostAsJsonAsync($"/api/v1/documents/{document}/process", new { segment_type = "paragraph" });
        retried.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var ended = await WaitForEndAsync(document);

        ended.GetProperty("status").GetString().Should().Be("processed", ended.GetRawText());
        ended.GetProperty("metadata").TryGetProperty("error", out _).Should().BeFalse();
        var versions = await Db(db => db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == document).OrderBy(v => v.Number).ToListAsync());
        versions.Select(v => (v.Number, v.Status)).Should().Equal((1, DocumentStatus.Failed), (2, DocumentStatus.Processed));
        var client = factory.Services.GetRequiredService<DurableTaskClient>();
        (await client.GetInstanceAsync(DocumentProcessing.InstanceId(document, 1))).Should().NotBeNull();
        (await client.WaitForInstanceCompletionAsync(DocumentProcessing.InstanceId(document, 2), Bounded())).RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed);
        (await client.GetInstanceAsync(DocumentProcessing.InstanceId(document, 3))).Should().BeNull();
    }
}

public sealed class SqliteDocumentProcessingDurableTests(DurableDocumentsFactory factory)
    : DocumentProcessingDurableContract(factory), IClassFixture<DurableDocumentsFactory>;

public sealed class PostgresDocumentProcessingDurableTests(PostgresDurableDocumentsFactory factory)
    : DocumentProcessingDurableContract(factory), IClassFixture<PostgresDurableDocumentsFactory>;
