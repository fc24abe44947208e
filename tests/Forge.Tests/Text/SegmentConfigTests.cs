using System.Text.Json.Nodes;
using Forge.Shared.Text.Segmentation;

namespace Forge.Tests.Text;

public sealed class SegmentConfigTests
{
    [Fact]
    public void AbsentConfigTakesTheDefaults()
    {
        var result = SegmentConfig.Parse(null);

        result.IsValid.Should().BeTrue();
        result.Config.Should().Be(new SegmentConfig(1000, 0));
    }

    [Fact]
    public void ReadsMaxLengthAndOverlap()
    {
        var result = SegmentConfig.Parse(JsonNode.Parse("""{"max_length": 500, "overlap": 50}""")!.AsObject());

        result.Errors.Should().BeEmpty();
        result.Config.Should().Be(new SegmentConfig(500, 50));
    }

    [Fact]
    public void NullSettingTakesItsDefault()
    {
        var result = SegmentConfig.Parse(JsonNode.Parse("""{"max_length": null, "overlap": 10}""")!.AsObject());

        result.Config.Should().Be(new SegmentConfig(1000, 10));
    }

    [Theory]
    [InlineData("""{"max_length": "500"}""", "segment_config.max_length", "the string")]
    [InlineData("""{"max_length": 500.5}""", "segment_config.max_length", "500.5")]
    [InlineData("""{"overlap": true}""", "segment_config.overlap", "the boolean")]
    [InlineData("""{"overlap": [1]}""", "segment_config.overlap", "an array")]
    [InlineData("""{"max_length": 99999999999}""", "segment_config.max_length", "out of range")]
    public void NonIntegerValuesAreRejectedNamingTheField(string json, string field, string mentions)
    {
        var result = SegmentConfig.Parse(JsonNode.Parse(json)!.AsObject());

        result.IsValid.Should().BeFalse();
        result.Errors.Should().ContainKey(field);
        result.Errors[field].Should().Contain(mentions);
    }

    [Theory]
    [InlineData(49, 0, "segment_config.max_length")]
    [InlineData(100_001, 0, "segment_config.max_length")]
    [InlineData(100, -1, "segment_config.overlap")]
    [InlineData(100, 50, "segment_config.overlap")]
    public void OutOfRangeValuesAreRejected(int maxLength, int overlap, string field)
    {
        var result = SegmentConfig.Parse(new JsonObject { ["max_length"] = maxLength, ["overlap"] = overlap });

        result.IsValid.Should().BeFalse();
        result.Errors.Keys.Should().Equal(field);
        new SegmentConfig(maxLength, overlap).Validate().Should().ContainKey(field);
    }

    [Theory]
    [InlineData(50, 24)]
    [InlineData(100_000, 0)]
    public void BoundaryValuesAreAccepted(int maxLength, int overlap) =>
        new SegmentConfig(maxLength, overlap).Validate().Should().BeEmpty();

    [Fact]
    public void UnknownSettingIsRejected()
    {
        var result = SegmentConfig.Parse(JsonNode.Parse("""{"max_lenght": 500}""")!.AsObject());

        result.Errors.Should().ContainKey("segment_config.max_lenght").WhoseValue.Should().Contain("max_length");
    }

    [Fact]
    public void KnownTypesAllHaveASegmenterAndOthersHaveNone()
    {
        Segmenters.Known.Should().Equal("paragraph", "clause", "chat_message", "faq", "crm_record");
        foreach (var type in Segmenters.Known)
        {
            Segmenters.Create(type)!.Type.Should().Be(type);
        }
        Segmenters.Create("sentence").Should().BeNull();
        Segmenters.Create(null).Should().BeNull();
    }

    [Fact]
    public void SegmentingWithAnInvalidConfigThrowsInsteadOfLooping()
    {
        var text = Forge.Shared.Text.ExtractedText.SinglePage("Some text that needs splitting.", "txt");

        foreach (var type in Segmenters.Known)
        {
            var act = () => Segmenters.Create(type)!.Segment(text, new SegmentConfig(0, 0));
            act.Should().Throw<ArgumentException>().WithMessage("*segment_config.max_length*");
        }
    }
}
