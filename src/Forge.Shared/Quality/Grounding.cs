namespace Forge.Shared.Quality;

/// <summary>How much of a response's vocabulary comes from the segment it was generated from.</summary>
internal static class Grounding
{
    /// <summary>
    /// The share (0..1) of the response's distinct content words that occur in the segment. Words are folded (case and
    /// accents), stop words and single letters are dropped, and a final plural "s" is ignored so "contratos" matches
    /// "contrato". A response without content words scores 0: there is nothing in it to ground.
    /// </summary>
    public static double Score(IEnumerable<string> responseWords, string segmentText)
    {
        var content = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in responseWords)
        {
            if (IsContentWord(word))
            {
                content.Add(Stem(word));
            }
        }
        if (content.Count == 0)
        {
            return 0;
        }

        var segment = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in FoldedText.Words(segmentText))
        {
            segment.Add(Stem(word));
        }
        var found = content.Count(segment.Contains);
        return (double)found / content.Count;
    }

    private static bool IsContentWord(string word) =>
        (word.Length > 1 || char.IsDigit(word[0])) && !StopWords.Contains(word);

    private static string Stem(string word) =>
        word.Length > 3 && word[^1] == 's' ? word[..^1] : word;
}
