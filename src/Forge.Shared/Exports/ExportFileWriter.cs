using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Forge.Shared.Exports;

/// <summary>
/// Streams items to an export file in one format and schema: each record is rendered into a reusable buffer, hashed,
/// and appended to an output buffer that goes to the stream every 64 KB, so memory does not grow with the number of
/// items. jsonl: one compact record per line, <c>\n</c>. json: one compact array (<c>[rec,rec]</c>) written with a
/// <see cref="Utf8JsonWriter"/>. csv: RFC 4180 with a header row, <c>\r\n</c>. All UTF-8 without a BOM.
/// The caller owns <c>output</c>; it is neither closed nor disposed. Disposing without <see cref="CompleteAsync"/>
/// leaves the file unfinished.
/// </summary>
public sealed class ExportFileWriter : IAsyncDisposable
{
    private const int FlushThreshold = 64 * 1024;

    private readonly Stream _output;
    private readonly string _format;
    private readonly string _schema;
    private readonly string? _systemPrompt;
    private readonly bool _escapeCsvFormulas;
    private readonly ArrayBufferWriter<byte> _pending = new(FlushThreshold + 16 * 1024);
    private readonly ArrayBufferWriter<byte> _record = new(4096);
    private readonly Utf8JsonWriter _recordWriter;
    private readonly Utf8JsonWriter? _arrayWriter;
    private readonly List<string?> _csvFields = [];
    private readonly IncrementalHash _fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Dictionary<string, long> _skipped = new(StringComparer.Ordinal);
    private string? _fileSha256;

    private ExportFileWriter(Stream output, string format, string schema, string? systemPrompt, bool escapeCsvFormulas)
    {
        _escapeCsvFormulas = escapeCsvFormulas;
        _output = output;
        _format = format;
        _schema = schema;
        _systemPrompt = systemPrompt;
        _recordWriter = new Utf8JsonWriter(_record, ExportRecords.WriterOptions);
        if (format == ExportFormats.Json)
        {
            _arrayWriter = new Utf8JsonWriter(_pending, ExportRecords.WriterOptions);
            _arrayWriter.WriteStartArray();
            _arrayWriter.Flush();
        }
        else if (format == ExportFormats.Csv)
        {
            CsvRow.Write(_pending, ExportRecords.CsvHeader(schema, systemPrompt), escapeFormulas: false);
            _pending.Write("\r\n"u8);
        }
    }

    /// <summary>A writer for <paramref name="format"/> and <paramref name="schema"/> (see <see cref="ExportSchemas.Check"/>).</summary>
    /// <param name="systemPrompt">The template's system prompt; null or blank means none (no system message or column).</param>
    /// <param name="escapeCsvFormulas">csv only: prefix fields that a spreadsheet would run as a formula with <c>'</c> (see <see cref="CsvRow"/>).</param>
    public static ExportFileWriter Create(Stream output, string format, string schema, string? systemPrompt, bool escapeCsvFormulas = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (ExportSchemas.Check(format, schema) is { } problem)
        {
            throw new ArgumentException(problem, nameof(schema));
        }
        return new ExportFileWriter(output, format, schema, string.IsNullOrWhiteSpace(systemPrompt) ? null : systemPrompt, escapeCsvFormulas);
    }

    /// <summary>Items written so far.</summary>
    public long Written { get; private set; }

    /// <summary>Items skipped so far, by reason (see <see cref="ExportSkipReasons"/>).</summary>
    public IReadOnlyDictionary<string, long> Skipped => _skipped;

    /// <summary>Bytes handed to the stream so far; the file's size after <see cref="CompleteAsync"/>.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Lowercase hex SHA-256 of the whole file, known after <see cref="CompleteAsync"/>.</summary>
    public string FileSha256 => _fileSha256 ?? throw new InvalidOperationException("The file hash is known once the export is complete.");

    public bool IsCompleted => _fileSha256 is not null;

    public ValueTask<ExportWriteResult> WriteAsync(ExportItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();

        if (ExportRecords.SkipReason(_schema, item) is { } reason)
        {
            _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
            return ValueTask.FromResult(ExportWriteResult.Skip(reason));
        }

        var record = Render(item);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(record, hash);
        Append(record);
        Written++;

        var result = ExportWriteResult.Wrote(Convert.ToHexStringLower(hash));
        return _pending.WrittenCount >= FlushThreshold
            ? FlushThenReturnAsync(result, cancellationToken)
            : ValueTask.FromResult(result);
    }

    /// <summary>Ends the file (the closing bracket for json), hands every byte to the stream and flushes it.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        if (_arrayWriter is not null)
        {
            _arrayWriter.WriteEndArray();
            _arrayWriter.Flush();
        }
        await FlushPendingAsync(cancellationToken);
        await _output.FlushAsync(cancellationToken);
        _fileSha256 = Convert.ToHexStringLower(_fileHash.GetHashAndReset());
    }

    public ValueTask DisposeAsync()
    {
        _recordWriter.Dispose();
        _arrayWriter?.Dispose();
        _fileHash.Dispose();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfCompleted()
    {
        if (IsCompleted)
        {
            throw new InvalidOperationException("The export file is already complete.");
        }
    }

    private ReadOnlySpan<byte> Render(ExportItem item)
    {
        _record.ResetWrittenCount();
        if (_format == ExportFormats.Csv)
        {
            ExportRecords.CsvFields(_schema, item, _systemPrompt, _csvFields);
            CsvRow.Write(_record, _csvFields, _escapeCsvFormulas);
        }
        else
        {
            _recordWriter.Reset(_record);
            ExportRecords.WriteJson(_recordWriter, _schema, item, _systemPrompt);
            _recordWriter.Flush();
        }
        return _record.WrittenSpan;
    }

    private void Append(ReadOnlySpan<byte> record)
    {
        switch (_format)
        {
            case ExportFormats.Json:
                // Our own writer produced the record: no need to parse it again.
                _arrayWriter!.WriteRawValue(record, skipInputValidation: true);
                _arrayWriter.Flush();
                break;
            case ExportFormats.Csv:
                _pending.Write(record);
                _pending.Write("\r\n"u8);
                break;
            default:
                _pending.Write(record);
                _pending.Write("\n"u8);
                break;
        }
    }

    private async ValueTask<ExportWriteResult> FlushThenReturnAsync(ExportWriteResult result, CancellationToken cancellationToken)
    {
        await FlushPendingAsync(cancellationToken);
        return result;
    }

    private async ValueTask FlushPendingAsync(CancellationToken cancellationToken)
    {
        _fileHash.AppendData(_pending.WrittenSpan);
        await _output.WriteAsync(_pending.WrittenMemory, cancellationToken);
        BytesWritten += _pending.WrittenCount;
        _pending.ResetWrittenCount();
    }
}
