using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Forge.Shared.Ai;

internal enum TextLanguage
{
    English,
    Portuguese,
}

/// <summary>Sentence splitting, term scoring and a rough language guess for the extractive generator.</summary>
internal static partial class Sentences
{
    private static readonly HashSet<string> PortugueseWords =
    [
        "de", "que", "não", "em", "para", "com", "um", "uma", "os", "da", "das", "dos", "é", "são", "pelo", "pela", "ao",
        "à", "seu", "sua", "você", "será", "ser", "está", "mais", "ou", "nos", "nas", "na", "pelos", "pelas", "também",
        // Chat messages are short and carry few function words; these settle them.
        "oi", "olá", "obrigado", "obrigada", "sim", "claro", "tudo", "meu", "minha", "eu", "vocês", "ainda", "já", "aqui",
    ];

    private static readonly HashSet<string> EnglishWords =
    [
        "the", "and", "of", "to", "is", "are", "that", "for", "with", "you", "your", "this", "be", "by", "it", "on",
        "will", "shall", "not", "or", "was", "can", "from", "at", "an", "any", "its", "have", "has", "we", "our",
        "hi", "hello", "thanks", "thank", "yes", "my", "i", "please", "still", "already", "here", "also",
    ];

    // Words that say nothing about a sentence's topic, in either language.
    private static readonly HashSet<string> StopWords =
    [
        .. PortugueseWords, .. EnglishWords,
        "a", "o", "as", "do", "no", "e", "se", "por", "como", "mas", "lhe", "ele", "ela", "eles", "elas", "este", "esta",
        "isso", "esse", "essa", "qual", "quando", "onde", "já", "até", "sem", "sob", "sobre", "entre", "após", "cada",
        "in", "as", "if", "all", "which", "when", "where", "who", "what", "these", "those", "such", "into", "than",
        "there", "their", "them", "they", "been", "were", "may", "must", "should", "would", "could", "per", "also",
        // Auxiliaries and light verbs: never what a sentence is about.
        "does", "did", "done", "had", "get", "gets", "got", "make", "makes", "made", "might", "being", "only",
        "pode", "podem", "poderá", "deve", "devem", "deverá", "foi", "foram", "tem", "têm", "ter", "há", "faz", "fazer",
        "sido", "estar", "estão", "seja", "sejam", "apenas",
    ];

    // A period after these does not end a sentence ("Art. 5", "Sr. Silva", "e.g. this").
    private static readonly HashSet<string> Abbreviations =
    [
        "art", "arts", "sr", "sra", "srs", "dr", "dra", "prof", "n", "nº", "p", "pp", "pág", "fls", "inc", "cf", "ex",
        "e.g", "i.e", "vs", "mr", "mrs", "ms", "st", "ltda", "s.a", "jr", "av", "tel",
    ];

    public static TextLanguage Language(string text)
    {
        var portuguese = 0;
        var english = 0;
        foreach (var word in Words(text))
        {
            portuguese += PortugueseWords.Contains(word) ? 1 : 0;
            english += EnglishWords.Contains(word) ? 1 : 0;
        }
        // Accented letters settle short texts ("Aceitam Pix? Sim, até às 22h") that have few function words.
        portuguese += PortugueseLetters().Count(text) / 2;
        return portuguese > english ? TextLanguage.Portuguese : TextLanguage.English;
    }

    /// <summary>
    /// The sentences of <paramref name="text"/> in order, whitespace collapsed. Hard-wrapped lines are joined; blank
    /// lines and list items (<c>-</c>, <c>•</c>, <c>a)</c>, <c>1.</c>) start new sentences.
    /// </summary>
    public static List<string> Split(string text)
    {
        var sentences = new List<string>();
        foreach (var unit in Units(text))
        {
            var start = 0;
            foreach (Match boundary in Boundary().Matches(unit))
            {
                var gap = boundary.Groups["gap"];
                var candidate = unit[start..gap.Index];
                if (EndsWithAbbreviation(candidate))
                {
                    continue;
                }
                Add(sentences, candidate);
                start = gap.Index + gap.Length;
            }
            Add(sentences, unit[start..]);
        }
        return sentences;
    }

    /// <summary>The lowercased content words of <paramref name="text"/>: no stop words, no one- or two-letter words.</summary>
    public static IEnumerable<string> Terms(string text) =>
        Words(text).Where(w => w.Length > 2 && !StopWords.Contains(w) && !w.All(char.IsDigit));

    /// <summary>
    /// Indexes of <paramref name="sentences"/> from most to least central: a sentence scores by how often its terms occur
    /// in the other sentences and in <paramref name="title"/>, normalised by its length so long sentences do not win by size.
    /// Ties keep text order, so the ranking is deterministic.
    /// </summary>
    public static List<int> Rank(IReadOnlyList<string> sentences, string? title = null)
    {
        var termsBySentence = sentences.Select(s => Terms(s).Distinct().ToList()).ToList();
        var frequency = new Dictionary<string, int>();
        foreach (var term in termsBySentence.SelectMany(t => t))
        {
            frequency[term] = frequency.GetValueOrDefault(term) + 1;
        }
        var titleTerms = title is null ? [] : Terms(title).ToHashSet();
        var scores = termsBySentence.Select(terms =>
            terms.Count == 0 ? 0 : terms.Sum(t => frequency[t] - 1 + (titleTerms.Contains(t) ? 2.0 : 0)) / Math.Sqrt(terms.Count + 1)).ToList();
        return [.. Enumerable.Range(0, sentences.Count).OrderByDescending(i => scores[i]).ThenBy(i => i)];
    }

    /// <summary>
    /// The terms of <paramref name="sentence"/> that occur most in <paramref name="context"/>, best first. Ties keep
    /// sentence order: the subject usually comes first ("Urgent incidents are handled...").
    /// </summary>
    public static List<string> KeyTerms(string sentence, string context)
    {
        var counts = Terms(context).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        return [.. Terms(sentence).Distinct().OrderByDescending(t => counts.GetValueOrDefault(t))];
    }

    private static IEnumerable<string> Words(string text) =>
        WordPattern().Matches(text).Select(m => m.Value.ToLower(CultureInfo.InvariantCulture));

    private static IEnumerable<string> Units(string text)
    {
        var unit = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || ListItem().IsMatch(line))
            {
                if (unit.Length > 0)
                {
                    yield return unit.ToString();
                }
                unit.Clear();
            }
            if (line.Length > 0)
            {
                unit.Append(unit.Length > 0 ? " " : "").Append(line);
            }
        }
        if (unit.Length > 0)
        {
            yield return unit.ToString();
        }
    }

    private static bool EndsWithAbbreviation(string candidate)
    {
        if (!candidate.EndsWith('.'))
        {
            return false;
        }
        var lastSpace = candidate.LastIndexOf(' ');
        var word = candidate[(lastSpace + 1)..^1].TrimStart('(', '"', '“').ToLower(CultureInfo.InvariantCulture);
        // Single capitals are initials ("J. Silva").
        return Abbreviations.Contains(word) || (word.Length == 1 && char.IsLetter(word[0]));
    }

    private static void Add(List<string> sentences, string candidate)
    {
        var sentence = Whitespace().Replace(candidate, " ").Trim();
        if (sentence.Any(char.IsLetterOrDigit))
        {
            sentences.Add(sentence);
        }
    }

    // All of these run over segment text, so all are NonBacktracking (linear whatever the text holds), which rules out
    // lookarounds.

    // After . ! ? … (and any closing quote or bracket), whitespace (the gap), then something that can open a sentence.
    // The opener is consumed but cannot be the terminator of the next boundary, so no boundary is lost.
    [GeneratedRegex(@"[.!?…][""”’)\]]?(?<gap>\s+)[\p{Lu}\p{N}""“(¿¡]", RegexOptions.NonBacktracking)]
    private static partial Regex Boundary();

    [GeneratedRegex(@"^(?:[-•*–]\s|\(?[a-z0-9]{1,3}[).]\s|[IVXivx]{1,4}\s*[-–)]\s)", RegexOptions.NonBacktracking)]
    private static partial Regex ListItem();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*", RegexOptions.NonBacktracking)]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"[ãõçâêôáéíóúà]", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex PortugueseLetters();

    [GeneratedRegex(@"\s+", RegexOptions.NonBacktracking)]
    private static partial Regex Whitespace();
}
