namespace Forge.Shared.Text.Segmentation;

/// <summary>
/// Splits a range of text that is longer than <see cref="SegmentConfig.MaxLength"/>: at sentence ends first, then at
/// whitespace, mid-word only when one word is longer than the limit. With an overlap, each piece after the first
/// starts with the last whole words of the previous piece. Pieces are ranges of the original text, so every piece's
/// content is exactly <c>text[Start..End]</c> and the repeated words are the ones right before it.
/// </summary>
internal static class LongTextSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.Ordinal)
    {
        "art.", "arts.", "sr.", "sra.", "srs.", "sras.", "dr.", "dra.", "drs.", "prof.", "profa.", "nº.", "n.º", "n.",
        "no.", "nos.", "núm.", "num.", "e.g.", "i.e.", "mr.", "mrs.", "ms.", "st.", "vs.", "cf.", "p.", "pp.", "pág.",
        "págs.", "fl.", "fls.", "inc.", "ltda.", "co.", "corp.", "jr.", "exa.", "exmo.", "exma.", "v.", "sec.", "par.",
        "cap.", "aprox.", "tel.", "al.", "ex.", "obs.",
    };

    public static List<(int Start, int End)> Split(string text, int start, int end, SegmentConfig config)
    {
        (start, end) = Trim(text, start, end);
        var pieces = new List<(int Start, int End)>();
        if (start >= end)
        {
            return pieces;
        }

        var max = config.MaxLength;
        var pieceStart = start;
        var contentStart = start;
        while (true)
        {
            var limit = contentStart + max;
            if (limit >= end)
            {
                pieces.Add((contentStart, end));
                return pieces;
            }

            var cut = FindCut(text, pieceStart, limit);
            var pieceEnd = cut;
            while (pieceEnd > pieceStart && char.IsWhiteSpace(text[pieceEnd - 1]))
            {
                pieceEnd--;
            }
            pieces.Add((contentStart, pieceEnd));

            var next = cut;
            while (next < end && char.IsWhiteSpace(text[next]))
            {
                next++;
            }
            if (next >= end)
            {
                return pieces;
            }
            contentStart = OverlapStart(text, pieceStart, pieceEnd, next, config);
            pieceStart = next;
        }
    }

    public static (int Start, int End) Trim(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        return (start, end);
    }

    /// <summary>Where the piece starting at <paramref name="from"/> (non-whitespace) ends, at most at <paramref name="limit"/>.</summary>
    private static int FindCut(string text, int from, int limit)
    {
        // A sentence end is preferred unless it leaves a piece too short to be worth its own segment.
        var minSentenceCut = from + Math.Max(1, (limit - from) / 3);
        for (var i = limit - 1; i >= minSentenceCut - 1 && i > from; i--)
        {
            if (IsSentenceEnd(text, i, from))
            {
                return i + 1;
            }
        }
        for (var w = limit; w > from; w--)
        {
            if (char.IsWhiteSpace(text[w]))
            {
                return w;
            }
        }
        // One word longer than the limit: cut it, but never between the halves of a surrogate pair.
        return char.IsHighSurrogate(text[limit - 1]) && limit - 1 > from ? limit - 1 : limit;
    }

    private static bool IsSentenceEnd(string text, int i, int from)
    {
        if (i + 1 >= text.Length || !char.IsWhiteSpace(text[i + 1]))
        {
            return false;
        }
        // A closing quote or bracket right after the punctuation belongs to the sentence it ends.
        if (text[i] is '"' or '”' or '’' or '\'' or ')' or '»' && i > from)
        {
            i--;
        }
        var c = text[i];
        if (c is not ('.' or '!' or '?' or ';'))
        {
            return false;
        }
        if (c != '.')
        {
            return true;
        }
        var wordStart = i;
        while (wordStart > from && i - wordStart < 12 && !char.IsWhiteSpace(text[wordStart - 1]))
        {
            wordStart--;
        }
        var word = text[wordStart..(i + 1)].TrimStart('(', '"', '\'', '“', '«').ToLowerInvariant();
        // A lone letter before the period is an initial ("J. Silva"), not the end of a sentence.
        return !Abbreviations.Contains(word) && !(word.Length == 2 && char.IsLetter(word[0]));
    }

    /// <summary>
    /// The start of the last whole words of the previous piece's own text (from <paramref name="previousStart"/>, not
    /// its overlap, so pieces never start at the same place) that fit in the overlap; <paramref name="next"/> when none do.
    /// </summary>
    private static int OverlapStart(string text, int previousStart, int previousEnd, int next, SegmentConfig config)
    {
        if (config.Overlap <= 0)
        {
            return next;
        }
        for (var w = Math.Max(previousStart + 1, previousEnd - config.Overlap); w < previousEnd; w++)
        {
            var isWordStart = !char.IsWhiteSpace(text[w]) && char.IsWhiteSpace(text[w - 1]);
            if (isWordStart)
            {
                // A long run of whitespace between pieces must not eat the room left for new text.
                return next - w <= config.MaxLength / 2 ? w : next;
            }
        }
        return next;
    }
}
