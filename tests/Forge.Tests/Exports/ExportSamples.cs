using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Exports;

namespace Forge.Tests.Exports;

/// <summary>Items with the text that breaks naive writers (accents, quotes, commas, newlines) and a way to export them.</summary>
internal static class ExportSamples
{
    public const string SystemPrompt = "Você é um assistente jurídico. Responda \"só\" com base no texto.";

    public static readonly ExportItem Portuguese = new(
        Id: Guid.Parse("0b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a01"),
        Instruction: "Qual é a multa por atraso, segundo a cláusula \"5.2\"?",
        InputText: "Cláusula 5.2: Em caso de atraso, incide multa de 2%,\ne juros de 1% ao mês.",
        IdealResponse: "A multa é de 2%, com juros de 1% ao mês — conforme a cláusula \"5.2\".",
        BadResponse: "Não há multa.",
        Explanation: "A resposta ruim ignora a cláusula, que prevê multa.",
        QualityScore: 0.92,
        QualityFlags: new JsonObject { ["length_ok"] = true, ["pii_types"] = new JsonArray(), ["nota"] = "ação" },
        ReviewStatus: "approved",
        SegmentId: Guid.Parse("1b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a02"),
        DocumentId: Guid.Parse("2b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a03"),
        TemplateId: Guid.Parse("3b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a04"),
        Generator: "openai",
        Model: "gpt-4o-mini",
        CreatedAt: new DateTime(2026, 11, 22, 10, 15, 30, 500, DateTimeKind.Utc));

    public static readonly ExportItem English = new(
        Id: Guid.Parse("4b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a05"),
        Instruction: "Summarize the refund policy.",
        InputText: "",
        IdealResponse: "Refunds are issued within 30 days; see section 4.",
        BadResponse: null,
        Explanation: null,
        QualityScore: null,
        QualityFlags: [],
        ReviewStatus: "edited",
        SegmentId: null,
        DocumentId: null,
        TemplateId: null,
        Generator: "extractive",
        Model: null,
        CreatedAt: new DateTime(2026, 11, 22, 11, 0, 0, DateTimeKind.Utc));

    public static ExportItem[] Both => [Portuguese, English];

    public static async Task<ExportRun> ExportAsync(string format, string schema, string? systemPrompt, params ExportItem[] items)
    {
        var output = new MemoryStream();
        var results = new List<ExportWriteResult>();
        await using var writer = ExportFileWriter.Create(output, format, schema, systemPrompt);
        foreach (var item in items)
        {
            results.Add(await writer.WriteAsync(item, CancellationToken.None));
        }
        await writer.CompleteAsync(CancellationToken.None);
        return new ExportRun(output.ToArray(), results, writer.Written, new Dictionary<string, long>(writer.Skipped), writer.BytesWritten, writer.FileSha256);
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Sha256(string text) => Sha256(Encoding.UTF8.GetBytes(text));
}

internal sealed record ExportRun(
    byte[] Bytes,
    IReadOnlyList<ExportWriteResult> Results,
    long Written,
    IReadOnlyDictionary<string, long> Skipped,
    long BytesWritten,
    string FileSha256)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <summary>The jsonl records, split on <c>\n</c> only.</summary>
    public string[] Lines => Text.EndsWith('\n') ? Text[..^1].Split('\n') : Text.Split('\n');
}
