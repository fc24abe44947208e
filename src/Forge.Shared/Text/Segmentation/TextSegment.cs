using System.Text.Json.Nodes;

namespace Forge.Shared.Text.Segmentation;

/// <summary>
/// One piece of a document version. <paramref name="Metadata"/> always has <c>char_start</c> and <c>char_end</c>
/// (offsets into <see cref="ExtractedText.Text"/>; <c>Content</c> is exactly that range), <c>page</c> when the text has
/// pages, <c>part</c>/<c>parts</c> when one logical unit was split for length, plus the segmenter's own fields.
/// </summary>
public sealed record TextSegment(string Content, int Position, JsonObject Metadata)
{
    public int CharStart => Metadata["char_start"]!.GetValue<int>();

    public int CharEnd => Metadata["char_end"]!.GetValue<int>();
}

public interface ISegmenter
{
    /// <summary>The stable name the API and the database use (<c>paragraph</c>, <c>clause</c>...).</summary>
    string Type { get; }

    IReadOnlyList<TextSegment> Segment(ExtractedText text, SegmentConfig config);
}
