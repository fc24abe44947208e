using System.Text;
using System.Text.Json;
using Forge.Shared.Exports;
using static Forge.Tests.Exports.ExportSamples;

namespace Forge.Tests.Exports;

public sealed class JsonlExportTests
{
    [Fact]
    public async Task ChatRecordsHaveSystemUserAndAssistantMessages()
    {
        var run = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Chat, SystemPrompt, Both);

        run.Lines.Should().Equal(
            """{"messages":[{"role":"system","content":"Você é um assistente jurídico. Responda \"só\" com base no texto."},{"role":"user","content":"Qual é a multa por atraso, segundo a cláusula \"5.2\"?\n\nCláusula 5.2: Em caso de atraso, incide multa de 2%,\ne juros de 1% ao mês."},{"role":"assistant","content":"A multa é de 2%, com juros de 1% ao mês — conforme a cláusula \"5.2\"."}]}""",
            """{"messages":[{"role":"system","content":"Você é um assistente jurídico. Responda \"só\" com base no texto."},{"role":"user","content":"Summarize the refund policy."},{"role":"assistant","content":"Refunds are issued within 30 days; see section 4."}]}""");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \n")]
    public async Task ChatWithoutSystemPromptHasNoSystemMessage(string? systemPrompt)
    {
        var run = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Chat, systemPrompt, English);

        run.Lines.Should().Equal(
            """{"messages":[{"role":"user","content":"Summarize the refund policy."},{"role":"assistant","content":"Refunds are issued within 30 days; see section 4."}]}""");
    }

    [Fact]
    public async Task DpoRecordsPreferTheIdealResponseOverTheBadOne()
    {
        var run = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Dpo, SystemPrompt, Portuguese);

        run.Lines.Should().Equal(
            """{"input":{"messages":[{"role":"system","content":"Você é um assistente jurídico. Responda \"só\" com base no texto."},{"role":"user","content":"Qual é a multa por atraso, segundo a cláusula \"5.2\"?\n\nCláusula 5.2: Em caso de atraso, incide multa de 2%,\ne juros de 1% ao mês."}]},"preferred_output":[{"role":"assistant","content":"A multa é de 2%, com juros de 1% ao mês — conforme a cláusula \"5.2\"."}],"non_preferred_output":[{"role":"assistant","content":"Não há multa."}]}""");
    }

    [Fact]
    public async Task DpoSkipsItemsWithoutABadResponse()
    {
        var blank = English with { Id = Guid.NewGuid(), BadResponse = "   " };

        var run = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Dpo, null, English, Portuguese, blank);

        run.Results.Select(result => result.SkipReason).Should().Equal(ExportSkipReasons.NoBadResponse, null, ExportSkipReasons.NoBadResponse);
        run.Results[1].IsWritten.Should().BeTrue();
        run.Written.Should().Be(1);
        run.Skipped.Should().Equal(new Dictionary<string, long> { [ExportSkipReasons.NoBadResponse] = 2 });
        run.Lines.Should().ContainSingle().Which.Should().StartWith("""{"input":{"messages":[{"role":"user","content":"Qual é""");
    }

    [Fact]
    public async Task AlpacaRecordsAddSystemOnlyWhenThereIsASystemPrompt()
    {
        var withPrompt = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Alpaca, SystemPrompt, English);
        var withoutPrompt = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Alpaca, null, Portuguese);

        withPrompt.Lines.Should().Equal(
            """{"instruction":"Summarize the refund policy.","input":"","output":"Refunds are issued within 30 days; see section 4.","system":"Você é um assistente jurídico. Responda \"só\" com base no texto."}""");
        withoutPrompt.Lines.Should().Equal(
            """{"instruction":"Qual é a multa por atraso, segundo a cláusula \"5.2\"?","input":"Cláusula 5.2: Em caso de atraso, incide multa de 2%,\ne juros de 1% ao mês.","output":"A multa é de 2%, com juros de 1% ao mês — conforme a cláusula \"5.2\"."}""");
    }

    [Fact]
    public async Task RawRecordsCarryEveryFieldInSnakeCase()
    {
        var run = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Raw, SystemPrompt, Both);

        run.Lines.Should().Equal(
            """{"id":"0b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a01","instruction":"Qual é a multa por atraso, segundo a cláusula \"5.2\"?","input_text":"Cláusula 5.2: Em caso de atraso, incide multa de 2%,\ne juros de 1% ao mês.","ideal_response":"A multa é de 2%, com juros de 1% ao mês — conforme a cláusula \"5.2\".","bad_response":"Não há multa.","explanation":"A resposta ruim ignora a cláusula, que prevê multa.","quality_score":0.92,"quality_flags":{"length_ok":true,"pii_types":[],"nota":"ação"},"review_status":"approved","segment_id":"1b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a02","document_id":"2b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a03","template_id":"3b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a04","generator":"openai","model":"gpt-4o-mini","created_at":"2026-11-22T10:15:30.5Z"}""",
            """{"id":"4b6c3f6e-1c1a-4f53-9d53-3f2a1d7e9a05","instruction":"Summarize the refund policy.","input_text":"","ideal_response":"Refunds are issued within 30 days; see section 4.","bad_response":null,"explanation":null,"quality_score":null,"quality_flags":{},"review_status":"edited","segment_id":null,"document_id":null,"template_id":null,"generator":"extractive","model":null,"created_at":"2026-11-22T11:00:00Z"}""");
    }

    [Fact]
    public async Task FileIsUtf8WithoutBomWithLfEndingsAndAccentsAsIs()
    {
        var run = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Raw, null, Both);

        run.Bytes.Take(3).Should().NotEqual(Encoding.UTF8.Preamble.ToArray());
        run.Text.Should().EndWith("}\n").And.NotContain("\r").And.Contain("cláusula").And.NotContain("\\u");
        run.Lines.Should().HaveCount(2).And.AllSatisfy(line => JsonDocument.Parse(line).RootElement.ValueKind.Should().Be(JsonValueKind.Object));
    }

    [Fact]
    public async Task ContentHashIsTheSha256OfTheRecordAsWritten()
    {
        var run = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Chat, SystemPrompt, Both);

        run.Results.Select(result => result.ContentHash).Should().Equal(run.Lines.Select(Sha256));
        run.Results[0].ContentHash.Should().MatchRegex("^[0-9a-f]{64}$").And.NotBe(run.Results[1].ContentHash);
    }

    [Fact]
    public async Task FileSizeAndHashDescribeTheBytesWritten()
    {
        var run = await ExportAsync(ExportFormats.Jsonl, ExportSchemas.Raw, null, Both);

        run.BytesWritten.Should().Be(run.Bytes.Length);
        run.FileSha256.Should().Be(Sha256(run.Bytes));
    }

    [Fact]
    public async Task WritingAfterCompletionIsRefused()
    {
        await using var writer = ExportFileWriter.Create(new MemoryStream(), ExportFormats.Jsonl, ExportSchemas.Chat, null);
        await writer.CompleteAsync(CancellationToken.None);

        var write = async () => await writer.WriteAsync(English, CancellationToken.None);

        await write.Should().ThrowAsync<InvalidOperationException>();
    }

    [Theory]
    [InlineData("parquet", ExportSchemas.Raw)]
    [InlineData(ExportFormats.Jsonl, "sharegpt")]
    [InlineData(ExportFormats.Csv, ExportSchemas.Chat)]
    public void UnsupportedFormatAndSchemaAreRefused(string format, string schema)
    {
        var create = () => ExportFileWriter.Create(new MemoryStream(), format, schema, null);

        create.Should().Throw<ArgumentException>().WithMessage(ExportSchemas.Check(format, schema) + "*");
    }
}
