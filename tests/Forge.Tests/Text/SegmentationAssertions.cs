using Forge.Shared.Text;
using Forge.Shared.Text.Segmentation;

namespace Forge.Tests.Text;

/// <summary>What every segmenter promises, whatever the input.</summary>
internal static class SegmentationAssertions
{
    public static IReadOnlyList<TextSegment> Run(string type, ExtractedText text, SegmentConfig? config = null)
    {
        config ??= SegmentConfig.Default;
        var segments = Segmenters.Create(type)!.Segment(text, config);
        AssertInvariants(text, segments, config);
        return segments;
    }

    public static IReadOnlyList<TextSegment> Run(string type, string text, SegmentConfig? config = null) =>
        Run(type, ExtractedText.SinglePage(text, "txt"), config);

    public static void AssertInvariants(ExtractedText text, IReadOnlyList<TextSegment> segments, SegmentConfig config)
    {
        segments.Select(s => s.Position).Should().Equal(Enumerable.Range(0, segments.Count));
        var previousStart = -1;
        foreach (var segment in segments)
        {
            segment.Content.Should().NotBeNullOrWhiteSpace();
            segment.Content.Should().Be(segment.Content.Trim());
            segment.Content.Length.Should().BeLessThanOrEqualTo(config.MaxLength);
            var (start, end) = (segment.CharStart, segment.CharEnd);
            text.Text[start..end].Should().Be(segment.Content, "content is exactly the range its offsets name");
            start.Should().BeGreaterThan(previousStart, "segments come in text order");
            previousStart = start;
            if (text.Pages.Count > 0)
            {
                segment.Metadata["page"]!.GetValue<int>().Should().Be(text.PageAt(start));
            }
            else
            {
                segment.Metadata.ContainsKey("page").Should().BeFalse();
            }
        }
    }

    public static string Field(this TextSegment segment, string key) => segment.Metadata[key]!.GetValue<string>();

    public static string? FieldOrNull(this TextSegment segment, string key) => segment.Metadata[key]?.GetValue<string>();
}
