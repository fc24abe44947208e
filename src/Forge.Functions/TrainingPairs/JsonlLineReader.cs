using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Forge.Functions.Hosting;

namespace Forge.Functions.TrainingPairs;

/// <summary>One line of a JSONL body, counted from 1; <see cref="Text"/> is null when the line was longer than the limit.</summary>
public readonly record struct JsonlLine(int Number, string? Text);

/// <summary>
/// Reads UTF-8 lines (<c>\n</c> or <c>\r\n</c>, a leading BOM dropped) holding at most one line of
/// <paramref name="maxLineBytes"/> in memory, however the body is shaped: a longer line is read past up to its end
/// without being kept, and reported with no text. More than <paramref name="maxBytes"/> in all is a 413, so the caller's
/// transaction rolls back and nothing of the body is kept.
/// </summary>
public sealed class JsonlLineReader(Stream source, int maxLineBytes, long maxBytes)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public async IAsyncEnumerable<JsonlLine> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var reader = PipeReader.Create(source, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            var number = 0;
            long consumed = 0;
            // Inside a line already known to be too long: its bytes are dropped as they come, until its end.
            var skipping = false;
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                var buffer = result.Buffer;
                var start = buffer.Length;
                if (consumed + buffer.Length > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    number++;
                    var tooLong = skipping || line.Length > maxLineBytes;
                    skipping = false;
                    yield return new JsonlLine(number, tooLong ? null : Decode(line, number));
                }
                skipping |= buffer.Length > maxLineBytes;
                if (skipping)
                {
                    buffer = buffer.Slice(buffer.End);
                }
                if (result.IsCompleted)
                {
                    // The last line, without a line break after it.
                    if (skipping || buffer.Length > 0)
                    {
                        yield return new JsonlLine(number + 1, skipping ? null : Decode(buffer, number + 1));
                    }
                    yield break;
                }
                consumed += start - buffer.Length;
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    public static ForgeApiException TooLarge(long maxBytes) => new(StatusCodes.Status413PayloadTooLarge,
        $"The import is larger than {maxBytes} bytes ({TrainingPairOptions.SectionName}:MaxImportBytes); nothing of it was imported; split the file",
        details: new Dictionary<string, string> { ["file"] = $"At most {maxBytes} bytes" });

    private static string Decode(ReadOnlySequence<byte> line, int number)
    {
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }
        var text = Utf8.GetString(line);
        return number == 1 && text.StartsWith('\uFEFF') ? text[1..] : text;
    }
}
