namespace Forge.Shared.Quality;

/// <summary>
/// The <c>coherence_ok</c> flag: the ideal response reads as text (mostly letters), is not stuck in a repetition
/// loop, ends where a sentence can end, and the bad response, when there is one, says something else.
/// </summary>
internal static class CoherenceCheck
{
    // Up to this many words an answer may be a bare value ("30 dias", "R$ 1.500,00"): no final punctuation needed.
    private const int ShortAnswerWords = 5;
    private const int MinWordsForTrigramCheck = 12;
    private const double MinDistinctTrigramShare = 0.5;
    private const int MaxSameWordRun = 3;
    private const double MinLetterShare = 0.5;

    public static bool Passes(string idealResponse, string[] idealWords, string? badResponse)
    {
        return MostlyText(idealResponse, idealWords.Length)
            && !Loops(idealWords)
            && EndsProperly(idealResponse, idealWords.Length)
            && (string.IsNullOrWhiteSpace(badResponse) || FoldedText.Fold(badResponse) != string.Join(' ', idealWords));
    }

    private static bool MostlyText(string text, int words)
    {
        int letters = 0, digits = 0, visible = 0;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }
            visible++;
            if (char.IsLetter(c))
            {
                letters++;
            }
            else if (char.IsDigit(c))
            {
                digits++;
            }
        }
        if (letters == 0)
        {
            return false;
        }
        // A short value may be mostly digits and symbols; prose may not.
        return words <= ShortAnswerWords
            ? letters + digits >= visible * MinLetterShare
            : letters >= visible * MinLetterShare;
    }

    private static bool Loops(string[] words)
    {
        var run = 1;
        for (var i = 1; i < words.Length; i++)
        {
            run = words[i] == words[i - 1] ? run + 1 : 1;
            if (run > MaxSameWordRun)
            {
                return true;
            }
        }
        if (words.Length < MinWordsForTrigramCheck)
        {
            return false;
        }
        // Natural text rarely repeats a three-word sequence; a model caught in a loop repeats most of them.
        var trigrams = new HashSet<(string, string, string)>();
        for (var i = 2; i < words.Length; i++)
        {
            trigrams.Add((words[i - 2], words[i - 1], words[i]));
        }
        return trigrams.Count < (words.Length - 2) * MinDistinctTrigramShare;
    }

    private static bool EndsProperly(string text, int words)
    {
        var trimmed = text.AsSpan().TrimEnd();
        if (trimmed.IsEmpty)
        {
            return false;
        }
        if (words <= ShortAnswerWords || ".!?…:;)]}\"'»”’*`".Contains(trimmed[^1]))
        {
            return true;
        }
        // Lists and tables end without punctuation; a cut-off answer ends mid-sentence or mid-word.
        var lastLine = trimmed[(trimmed.LastIndexOf('\n') + 1)..].TrimStart();
        return lastLine.Length > 0 && (lastLine[0] is '-' or '*' or '•' or '|' || StartsWithNumbering(lastLine));
    }

    private static bool StartsWithNumbering(ReadOnlySpan<char> line)
    {
        var digits = 0;
        while (digits < line.Length && char.IsAsciiDigit(line[digits]))
        {
            digits++;
        }
        return digits > 0 && digits < line.Length && line[digits] is '.' or ')';
    }
}
