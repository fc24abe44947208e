using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Exports;
using static Forge.Tests.Exports.ExportSamples;

namespace Forge.Tests.Exports;

public sealed class CsvExportTests
{
    private static readonly string[] RawColumns =
    [
        "id", "instruction", "input_text", "ideal_response", "bad_response", "explanation", "quality_score",
        "quality_flags", "review_status", "segment_id", "document_id", "template_id", "generator", "model", "created_at",
    ];

    [Fact]
    public async Task RawCsvRoundTripsEveryField()
    {
        var run = await ExportAsync(ExportFormats.Csv, ExportSchemas.Raw, SystemPrompt, Both);

        var rows = Rfc4180.Parse(run.Text);
        rows.Should().HaveCount(3);
        rows[0].Should().Equal(RawColumns);
        rows[1].Should().Equal(
            "0b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a01", Portuguese.Instruction, Portuguese.InputText, Portuguese.IdealResponse,
            "Não há multa.", Portuguese.Explanation, "0.92", """{"length_ok":true,"pii_types":[],"nota":"ação"}""", "approved",
            "1b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a02", "2b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a03", "3b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a04",
            "openai", "gpt-4o-mini", "2026-11-22T10:15:30.5Z");
        rows[2].Should().Equal(
            "4b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a05", English.Instruction, "", English.IdealResponse, "", "", "", "{}", "edited",
            "", "", "", "extractive", "", "2026-11-22T11:00:00Z");
        JsonNode.Parse(rows[1][7])!["nota"]!.GetValue<string>().Should().Be("ação");
    }

    [Fact]
    public async Task FieldsAreQuotedOnlyWhenTheyNeedIt()
    {
        var item = English with
        {
            Instruction = "Diga \"olá\", por favor",
            InputText = "linha 1\r\nlinha 2",
            IdealResponse = "Olá; tudo bem?",
        };

        var run = await ExportAsync(ExportFormats.Csv, ExportSchemas.Alpaca, null, item);

        run.Text.Should().Be("instruction,input,output\r\n\"Diga \"\"olá\"\", por favor\",\"linha 1\r\nlinha 2\",Olá; tudo bem?\r\n");
    }

    [Fact]
    public async Task AlpacaCsvHasASystemColumnOnlyWithASystemPrompt()
    {
        var withPrompt = Rfc4180.Parse((await ExportAsync(ExportFormats.Csv, ExportSchemas.Alpaca, SystemPrompt, Portuguese)).Text);
        var withoutPrompt = Rfc4180.Parse((await ExportAsync(ExportFormats.Csv, ExportSchemas.Alpaca, " ", Portuguese)).Text);

        withPrompt.Should().HaveCount(2);
        withPrompt[0].Should().Equal("instruction", "input", "output", "system");
        withPrompt[1].Should().Equal(Portuguese.Instruction, Portuguese.InputText, Portuguese.IdealResponse, SystemPrompt);
        withoutPrompt[0].Should().Equal("instruction", "input", "output");
        withoutPrompt[1].Should().Equal(Portuguese.Instruction, Portuguese.InputText, Portuguese.IdealResponse);
    }

    [Fact]
    public async Task DpoCsvIsPromptChosenRejectedAndSkipsItemsWithoutABadResponse()
    {
        var run = await ExportAsync(ExportFormats.Csv, ExportSchemas.Dpo, null, English, Portuguese);

        var rows = Rfc4180.Parse(run.Text);
        rows.Should().HaveCount(2);
        rows[0].Should().Equal("prompt", "chosen", "rejected");
        rows[1].Should().Equal(Portuguese.Instruction + "\n\n" + Portuguese.InputText, Portuguese.IdealResponse, Portuguese.BadResponse);
        run.Skipped.Should().Equal(new Dictionary<string, long> { [ExportSkipReasons.NoBadResponse] = 1 });
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+55 é o DDI")]
    [InlineData("-1+2")]
    [InlineData("@SUM(A1:A2)")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    public async Task ACellASpreadsheetWouldRunAsAFormulaGetsAQuotePrefix(string text)
    {
        var item = English with { Instruction = text, InputText = text + ", e mais", IdealResponse = "Resposta" };

        var run = await ExportAsync(ExportFormats.Csv, ExportSchemas.Alpaca, "=sistema", item);

        var rows = Rfc4180.Parse(run.Text);
        rows[0].Should().Equal("instruction", "input", "output", "system");
        rows[1].Should().Equal("'" + text, "'" + text + ", e mais", "Resposta", "'=sistema");
    }

    [Fact]
    public async Task OnlyTheFirstCharacterMattersAndQuotingStillApplies()
    {
        var item = English with { Instruction = "a = b + c - d @ e", InputText = "=\"x\",y", IdealResponse = " =1" };

        var run = await ExportAsync(ExportFormats.Csv, ExportSchemas.Alpaca, null, item);

        run.Text.Should().Be("instruction,input,output\r\na = b + c - d @ e,\"'=\"\"x\"\",y\", =1\r\n");
    }

    [Fact]
    public async Task RawCsvOnRequestKeepsFormulasAsTheyAre()
    {
        var item = English with { Instruction = "=HYPERLINK(\"http://x\")", IdealResponse = "+55 é o DDI; -1 e @menção também." };
        var output = new MemoryStream();
        await using (var writer = ExportFileWriter.Create(output, ExportFormats.Csv, ExportSchemas.Alpaca, null, escapeCsvFormulas: false))
        {
            await writer.WriteAsync(item, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        Rfc4180.Parse(Encoding.UTF8.GetString(output.ToArray()))[1].Should().Equal(item.Instruction, "", item.IdealResponse);
    }

    [Fact]
    public async Task JsonFormatsAreNeverPrefixed()
    {
        var item = English with { Instruction = "=1+1", IdealResponse = "@x" };

        var jsonl = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Alpaca, null, item);
        var json = await ExportAsync(ExportFormats.Json, ExportSchemas.Raw, null, item);

        JsonNode.Parse(jsonl.Lines[0])!["instruction"]!.GetValue<string>().Should().Be("=1+1");
        JsonNode.Parse(json.Text)![0]!["ideal_response"]!.GetValue<string>().Should().Be("@x");
    }

    [Fact]
    public async Task ContentHashIsTheSha256OfTheRowWithoutItsLineBreak()
    {
        var run = await ExportAsync(ExportFormats.Csv, ExportSchemas.Raw, null, Both);

        // No field of these items holds a CRLF, so CRLF splits rows.
        var lines = run.Text.Split("\r\n");
        lines.Should().HaveCount(4);
        lines[^1].Should().BeEmpty();
        run.Results.Select(result => result.ContentHash).Should().Equal(lines[1..3].Select(Sha256));
    }

    [Fact]
    public async Task CsvIsUtf8WithoutBom()
    {
        var run = await ExportAsync(ExportFormats.Csv, ExportSchemas.Raw, null, Portuguese);

        run.Bytes.Take(3).Should().NotEqual(Encoding.UTF8.Preamble.ToArray());
        run.Bytes[0].Should().Be((byte)'i');
        run.Text.Should().Contain("cláusula");
    }
}
