namespace Forge.Shared.Text;

/// <summary>
/// The plain text of a document as extracted, with where each page starts (PDF; one page for other
/// formats), so segments can carry their page number and character offsets.
/// </summary>
/// <param name="Text">The whole text, pages joined by a form feed-free blank line; newlines normalized to \n.</param>
/// <param name="Pages">Pages in order: 1-based number, and the [Start, Start+Length) range of <paramref name="Text"/>.</param>
/// <param name="Format"><c>pdf</c>, <c>docx</c> or <c>txt</c>.</param>
public sealed record ExtractedText(string Text, IReadOnlyList<PageSpan> Pages, string Format)
{
    /// <summary>The 1-based page holding character <paramref name="offset"/>, or null when there are no pages.</summary>
    public int? PageAt(int offset)
    {
        foreach (var page in Pages)
        {
            if (offset >= page.Start && offset < page.Start + page.Length)
            {
                return page.Number;
            }
        }
        return Pages.Count == 0 ? null : Pages[^1].Number;
    }

    public static ExtractedText SinglePage(string text, string format) => new(text, [new PageSpan(1, 0, text.Length)], format);
}

public sealed record PageSpan(int Number, int Start, int Length);
