namespace Forge.Shared.Text.Segmentation;

public static class Segmenters
{
    public const string Paragraph = "paragraph";
    public const string Clause = "clause";
    public const string ChatMessage = "chat_message";
    public const string Faq = "faq";
    public const string CrmRecord = "crm_record";

    public static IReadOnlyList<string> Known { get; } = [Paragraph, Clause, ChatMessage, Faq, CrmRecord];

    /// <summary>The segmenter for <paramref name="type"/>, or null when the type is not one of <see cref="Known"/>.</summary>
    public static ISegmenter? Create(string? type) => type switch
    {
        Paragraph => new ParagraphSegmenter(),
        Clause => new ClauseSegmenter(),
        ChatMessage => new ChatMessageSegmenter(),
        Faq => new FaqSegmenter(),
        CrmRecord => new CrmRecordSegmenter(),
        _ => null,
    };
}
