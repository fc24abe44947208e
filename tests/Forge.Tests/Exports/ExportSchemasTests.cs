using Forge.Shared.Exports;

namespace Forge.Tests.Exports;

public sealed class ExportSchemasTests
{
    [Theory]
    [InlineData(ExportFormats.Jsonl, ExportSchemas.Chat)]
    [InlineData(ExportFormats.Json, ExportSchemas.Raw)]
    [InlineData(ExportFormats.Csv, ExportSchemas.Raw)]
    public void EachFormatHasADefaultSchema(string format, string schema)
    {
        ExportSchemas.DefaultFor(format).Should().Be(schema);
    }

    [Fact]
    public void UnknownFormatHasNoDefaultSchema()
    {
        var act = () => ExportSchemas.DefaultFor("xml");

        act.Should().Throw<ArgumentException>().WithMessage("Unknown format 'xml'*");
    }

    [Fact]
    public void EveryPairButCsvChatIsSupported()
    {
        var supported = from format in ExportFormats.All
                        from schema in ExportSchemas.All
                        where ExportSchemas.Check(format, schema) is null
                        select (format, schema);

        supported.Should().HaveCount(11).And.NotContain((ExportFormats.Csv, ExportSchemas.Chat));
    }

    [Fact]
    public void CsvChatIsRefusedWithTheReason()
    {
        ExportSchemas.Check(ExportFormats.Csv, ExportSchemas.Chat).Should().Be("The chat schema is nested; export it as jsonl or json");
    }

    [Theory]
    [InlineData("JSONL", ExportSchemas.Chat, "Unknown format 'JSONL'; known formats are jsonl, json, csv.")]
    [InlineData(ExportFormats.Json, "sharegpt", "Unknown schema 'sharegpt'; known schemas are chat, dpo, alpaca, raw.")]
    public void UnknownNamesAreRefusedWithTheKnownOnes(string format, string schema, string message)
    {
        ExportSchemas.Check(format, schema).Should().Be(message);
    }
}
