using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Exports;

/// <summary>What the manifest says up front about an export.</summary>
public sealed record ExportManifestHeader(
    Guid ExportId,
    Guid DatasetId,
    int ExportVersion,
    string Format,
    string Schema,
    DateTime CreatedAt,
    JsonObject FiltersApplied,
    ExportManifestTemplate? Template,
    IReadOnlyList<string> Generators);

/// <summary>The template the items were made with; its system prompt is identified by hash, not repeated.</summary>
public sealed record ExportManifestTemplate(Guid Id, string Name, string? SystemPromptSha256)
{
    /// <summary>A template entry for <paramref name="systemPrompt"/>: lowercase hex SHA-256 of its UTF-8, null when blank.</summary>
    public static ExportManifestTemplate Of(Guid id, string name, string? systemPrompt) =>
        new(id, name, string.IsNullOrWhiteSpace(systemPrompt)
            ? null
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(systemPrompt))));
}

/// <summary>The export file as stored: its blob key, size and lowercase hex SHA-256.</summary>
public sealed record ExportManifestFile(string Key, long Bytes, string Sha256);

/// <summary>
/// Streams an export's manifest: the header fields, then one <c>{"id","content_hash"}</c> entry per written item as it
/// is written, then <c>item_count</c>, <c>skipped</c> and <c>file</c>. Memory does not depend on the number of items:
/// the writer goes to the stream every 64 KB. Indented, because people read manifests. The caller owns <c>output</c>.
/// </summary>
public sealed class ExportManifestWriter : IAsyncDisposable
{
    private const int FlushThreshold = 64 * 1024;

    private static readonly JsonWriterOptions Options = ExportRecords.WriterOptions with { Indented = true };

    private readonly Stream _output;
    private readonly Utf8JsonWriter _writer;
    private bool _completed;

    private ExportManifestWriter(Stream output)
    {
        _output = output;
        _writer = new Utf8JsonWriter(output, Options);
    }

    /// <summary>Items listed so far; written as <c>item_count</c>.</summary>
    public long ItemCount { get; private set; }

    /// <summary>A manifest on <paramref name="output"/> with its header written (buffered until the first flush).</summary>
    public static ExportManifestWriter Start(Stream output, ExportManifestHeader header)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(header);
        var manifest = new ExportManifestWriter(output);
        var writer = manifest._writer;
        writer.WriteStartObject();
        writer.WriteString("export_id", header.ExportId);
        writer.WriteString("dataset_id", header.DatasetId);
        writer.WriteNumber("export_version", header.ExportVersion);
        writer.WriteString("format", header.Format);
        writer.WriteString("schema", header.Schema);
        writer.WriteString("created_at", ExportRecords.Timestamp(header.CreatedAt));
        writer.WritePropertyName("filters_applied");
        header.FiltersApplied.WriteTo(writer);
        if (header.Template is { } template)
        {
            writer.WriteStartObject("template");
            writer.WriteString("id", template.Id);
            writer.WriteString("name", template.Name);
            writer.WriteString("system_prompt_sha256", template.SystemPromptSha256);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("template");
        }
        writer.WriteStartArray("generators");
        foreach (var generator in header.Generators)
        {
            writer.WriteStringValue(generator);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("items");
        return manifest;
    }

    /// <summary>Lists a written item with its <see cref="ExportWriteResult.ContentHash"/>.</summary>
    public async ValueTask AddItemAsync(Guid id, string contentHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        ThrowIfCompleted();
        _writer.WriteStartObject();
        _writer.WriteString("id", id);
        _writer.WriteString("content_hash", contentHash);
        _writer.WriteEndObject();
        ItemCount++;
        if (_writer.BytesPending >= FlushThreshold)
        {
            await _writer.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes the trailing fields, closes the object and flushes the stream.</summary>
    /// <param name="skipped">Skipped items by reason, e.g. <see cref="ExportFileWriter.Skipped"/>; written sorted by reason.</param>
    public async Task CompleteAsync(IReadOnlyDictionary<string, long> skipped, ExportManifestFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        ArgumentNullException.ThrowIfNull(file);
        ThrowIfCompleted();
        _writer.WriteEndArray();
        _writer.WriteNumber("item_count", ItemCount);
        _writer.WriteStartObject("skipped");
        foreach (var (reason, count) in skipped.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            _writer.WriteNumber(reason, count);
        }
        _writer.WriteEndObject();
        _writer.WriteStartObject("file");
        _writer.WriteString("key", file.Key);
        _writer.WriteNumber("bytes", file.Bytes);
        _writer.WriteString("sha256", file.Sha256);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        await _writer.FlushAsync(cancellationToken);
        await _output.FlushAsync(cancellationToken);
        _completed = true;
    }

    public ValueTask DisposeAsync()
    {
        // Utf8JsonWriter.Dispose would flush pending bytes synchronously; an unfinished manifest is not worth them.
        _writer.Reset();
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The manifest is already complete.");
        }
    }
}
