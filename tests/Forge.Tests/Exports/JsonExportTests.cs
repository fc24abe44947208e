using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Shared.Exports;
using static Forge.Tests.Exports.ExportSamples;

namespace Forge.Tests.Exports;

public sealed class JsonExportTests
{
    [Theory]
    [InlineData(ExportSchemas.Raw)]
    [InlineData(ExportSchemas.Chat)]
    [InlineData(ExportSchemas.Alpaca)]
    [InlineData(ExportSchemas.Dpo)]
    public async Task JsonIsOneArrayOfTheWrittenRecords(string schema)
    {
        var run = await ExportAsync(ExportFormats.Json, schema, SystemPrompt, Both);

        using var document = JsonDocument.Parse(run.Bytes);
        var records = document.RootElement.EnumerateArray().ToList();
        records.Should().HaveCount((int)run.Written);
        run.Written.Should().Be(schema == ExportSchemas.Dpo ? 1 : 2);
        // Each element is the record byte for byte: its hash is the content hash.
        records.Select(record => Sha256(record.GetRawText()))
            .Should().Equal(run.Results.Where(result => result.IsWritten).Select(result => result.ContentHash));
    }

    [Fact]
    public async Task JsonRecordsMatchTheirJsonlLines()
    {
        var json = await ExportAsync(ExportFormats.Json, ExportSchemas.Raw, null, Both);
        var jsonl = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Raw, null, Both);

        json.Text.Should().Be("[" + string.Join(",", jsonl.Lines) + "]");
        json.Results.Should().Equal(jsonl.Results);
    }

    [Fact]
    public async Task EmptyExportIsAnEmptyArray()
    {
        var run = await ExportAsync(ExportFormats.Json, ExportSchemas.Raw, null);

        run.Text.Should().Be("[]");
        run.FileSha256.Should().Be(Sha256("[]"));
    }

    [Fact]
    public async Task FiftyThousandItemsStreamToTheFileAndItsManifest()
    {
        const int count = 50_000;
        var path = Path.Combine(Path.GetTempPath(), $"forge-export-{Guid.NewGuid():N}.json");
        try
        {
            var manifestBytes = await WriteAndCheckAsync(path, count);

            var manifest = JsonNode.Parse(manifestBytes)!;
            manifest["items"]!.AsArray().Should().HaveCount(count);
            manifest["item_count"]!.GetValue<long>().Should().Be(count);

            await using var read = File.OpenRead(path);
            var parsed = 0;
            await foreach (var record in JsonSerializer.DeserializeAsyncEnumerable<JsonObject>(read))
            {
                record!["instruction"]!.GetValue<string>().Should().StartWith($"Pergunta nº {parsed},");
                parsed++;
            }
            parsed.Should().Be(count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Drives both writers as the export activity does, and checks what reached the streams.
    private static async Task<byte[]> WriteAndCheckAsync(string path, int count)
    {
        var manifestBytes = new MemoryStream();
        await using var file = new CountingStream(File.Create(path));
        await using var manifestStream = new CountingStream(manifestBytes);
        var header = new ExportManifestHeader(Guid.NewGuid(), Guid.NewGuid(), 1, ExportFormats.Json, ExportSchemas.Raw,
            DateTime.UtcNow, [], null, ["openai"]);
        await using var manifest = ExportManifestWriter.Start(manifestStream, header);
        await using var writer = ExportFileWriter.Create(file, ExportFormats.Json, ExportSchemas.Raw, null);
        for (var i = 0; i < count; i++)
        {
            var item = Portuguese with { Id = Guid.NewGuid(), Instruction = $"Pergunta nº {i}, sobre a cláusula \"{i % 97}\"?" };
            var result = await writer.WriteAsync(item, CancellationToken.None);
            await manifest.AddItemAsync(item.Id, result.ContentHash!, CancellationToken.None);
        }
        await writer.CompleteAsync(CancellationToken.None);
        await manifest.CompleteAsync(writer.Skipped, new ExportManifestFile("exports/x.json", writer.BytesWritten, writer.FileSha256), CancellationToken.None);

        // Written as it went, in chunks of about the flush size, never the whole array at once.
        file.Writes.Should().BeGreaterThan(100);
        file.LargestWrite.Should().BeLessThan(128 * 1024);
        manifestStream.Writes.Should().BeGreaterThan(10);
        manifestStream.LargestWrite.Should().BeLessThan(128 * 1024);
        file.Length.Should().Be(writer.BytesWritten);
        file.Sha256().Should().Be(writer.FileSha256);
        writer.Written.Should().Be(count);
        manifest.ItemCount.Should().Be(count);
        return manifestBytes.ToArray();
    }

    /// <summary>Passes writes through, counting them and hashing what went by.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public int Writes { get; private set; }
        public int LargestWrite { get; private set; }

        public string Sha256() => Convert.ToHexStringLower(_hash.GetCurrentHash());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Count(buffer);
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Count(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            LargestWrite = Math.Max(LargestWrite, buffer.Length);
            _length += buffer.Length;
            _hash.AppendData(buffer);
        }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            _hash.Dispose();
            await base.DisposeAsync();
        }
    }
}
