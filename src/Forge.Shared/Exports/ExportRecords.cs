using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Exports;

/// <summary>The record of one item in each schema: as a JSON object, or as the fields of a CSV row.</summary>
internal static class ExportRecords
{
    /// <summary>
    /// Compact, and Portuguese stays readable: the relaxed encoder writes "ção" as is and escapes only what JSON
    /// requires (quotes, backslash, control characters). Its "unsafe" is about pasting into HTML, not about JSON.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions FlagsOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] RawColumns =
    [
        "id", "instruction", "input_text", "ideal_response", "bad_response", "explanation", "quality_score",
        "quality_flags", "review_status", "segment_id", "document_id", "template_id", "generator", "model", "created_at",
    ];

    public static string? SkipReason(string schema, ExportItem item) =>
        schema == ExportSchemas.Dpo && string.IsNullOrWhiteSpace(item.BadResponse) ? ExportSkipReasons.NoBadResponse : null;

    public static void WriteJson(Utf8JsonWriter writer, string schema, ExportItem item, string? systemPrompt)
    {
        writer.WriteStartObject();
        switch (schema)
        {
            case ExportSchemas.Chat:
                writer.WriteStartArray("messages");
                WritePromptMessages(writer, item, systemPrompt);
                WriteMessage(writer, "assistant", item.IdealResponse);
                writer.WriteEndArray();
                break;
            case ExportSchemas.Dpo:
                writer.WriteStartObject("input");
                writer.WriteStartArray("messages");
                WritePromptMessages(writer, item, systemPrompt);
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteStartArray("preferred_output");
                WriteMessage(writer, "assistant", item.IdealResponse);
                writer.WriteEndArray();
                writer.WriteStartArray("non_preferred_output");
                WriteMessage(writer, "assistant", item.BadResponse!);
                writer.WriteEndArray();
                break;
            case ExportSchemas.Alpaca:
                writer.WriteString("instruction", item.Instruction);
                writer.WriteString("input", item.InputText);
                writer.WriteString("output", item.IdealResponse);
                if (systemPrompt is not null)
                {
                    writer.WriteString("system", systemPrompt);
                }
                break;
            default:
                WriteRaw(writer, item);
                break;
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// raw: the raw fields; alpaca: instruction,input,output; dpo: prompt,chosen,rejected. alpaca and dpo add a
    /// trailing system column when the export has a system prompt, so a CSV export carries what its JSON would.
    /// </summary>
    public static IReadOnlyList<string> CsvHeader(string schema, string? systemPrompt)
    {
        string[] columns = schema switch
        {
            ExportSchemas.Alpaca => ["instruction", "input", "output"],
            ExportSchemas.Dpo => ["prompt", "chosen", "rejected"],
            _ => RawColumns,
        };
        return schema != ExportSchemas.Raw && systemPrompt is not null ? [.. columns, "system"] : columns;
    }

    public static void CsvFields(string schema, ExportItem item, string? systemPrompt, List<string?> fields)
    {
        fields.Clear();
        switch (schema)
        {
            case ExportSchemas.Alpaca:
                fields.AddRange([item.Instruction, item.InputText, item.IdealResponse]);
                break;
            case ExportSchemas.Dpo:
                fields.AddRange([UserContent(item), item.IdealResponse, item.BadResponse]);
                break;
            default:
                fields.AddRange(
                [
                    Id(item.Id), item.Instruction, item.InputText, item.IdealResponse, item.BadResponse, item.Explanation,
                    item.QualityScore?.ToString(CultureInfo.InvariantCulture), item.QualityFlags.ToJsonString(FlagsOptions),
                    item.ReviewStatus, Id(item.SegmentId), Id(item.DocumentId), Id(item.TemplateId), item.Generator,
                    item.Model, Timestamp(item.CreatedAt),
                ]);
                return;
        }
        if (systemPrompt is not null)
        {
            fields.Add(systemPrompt);
        }
    }

    private static void WriteRaw(Utf8JsonWriter writer, ExportItem item)
    {
        writer.WriteString("id", item.Id);
        writer.WriteString("instruction", item.Instruction);
        writer.WriteString("input_text", item.InputText);
        writer.WriteString("ideal_response", item.IdealResponse);
        writer.WriteString("bad_response", item.BadResponse);
        writer.WriteString("explanation", item.Explanation);
        if (item.QualityScore is { } score)
        {
            writer.WriteNumber("quality_score", score);
        }
        else
        {
            writer.WriteNull("quality_score");
        }
        writer.WritePropertyName("quality_flags");
        item.QualityFlags.WriteTo(writer);
        writer.WriteString("review_status", item.ReviewStatus);
        writer.WriteString("segment_id", Id(item.SegmentId));
        writer.WriteString("document_id", Id(item.DocumentId));
        writer.WriteString("template_id", Id(item.TemplateId));
        writer.WriteString("generator", item.Generator);
        writer.WriteString("model", item.Model);
        writer.WriteString("created_at", Timestamp(item.CreatedAt));
    }

    private static void WritePromptMessages(Utf8JsonWriter writer, ExportItem item, string? systemPrompt)
    {
        if (systemPrompt is not null)
        {
            WriteMessage(writer, "system", systemPrompt);
        }
        WriteMessage(writer, "user", UserContent(item));
    }

    private static void WriteMessage(Utf8JsonWriter writer, string role, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteString("content", content);
        writer.WriteEndObject();
    }

    /// <summary>The instruction, then a blank line and the input when there is one.</summary>
    private static string UserContent(ExportItem item) =>
        string.IsNullOrWhiteSpace(item.InputText) ? item.Instruction : item.Instruction + "\n\n" + item.InputText;

    private static string? Id(Guid? id) => id?.ToString("D");

    /// <summary>ISO-8601 in UTC with a Z, fractional seconds only when there are some (same in JSON and CSV).</summary>
    public static string Timestamp(DateTime value) =>
        (value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime())
            .ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
