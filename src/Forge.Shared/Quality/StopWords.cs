using System.Collections.Frozen;

namespace Forge.Shared.Quality;

/// <summary>
/// Portuguese and English function words, already folded (see <see cref="FoldedText"/>): they occur in any text, so
/// they say nothing about whether a response comes from its segment.
/// </summary>
internal static class StopWords
{
    private static readonly FrozenSet<string> Words = FrozenSet.ToFrozenSet(
    [
        // Portuguese
        "a", "o", "as", "os", "um", "uma", "uns", "umas", "de", "do", "da", "dos", "das", "em", "no", "na", "nos", "nas",
        "num", "numa", "ao", "aos", "por", "pelo", "pela", "pelos", "pelas", "para", "pra", "com", "sem", "sob", "sobre",
        "entre", "ate", "apos", "desde", "contra", "perante", "e", "ou", "mas", "porem", "contudo", "todavia", "que", "se",
        "como", "quando", "onde", "qual", "quais", "quem", "cujo", "cuja", "cujos", "cujas", "este", "esta", "estes",
        "estas", "esse", "essa", "esses", "essas", "aquele", "aquela", "aqueles", "aquelas", "isto", "isso", "aquilo",
        "neste", "nesta", "nesse", "nessa", "naquele", "naquela", "deste", "desta", "desse", "dessa", "daquele",
        "daquela", "ele", "ela", "eles", "elas", "eu", "tu", "voce", "voces", "vos", "me", "te", "lhe", "lhes", "seu",
        "sua", "seus", "suas", "meu", "minha", "meus", "minhas", "nosso", "nossa", "nossos", "nossas", "dele", "dela",
        "deles", "delas", "ser", "sao", "era", "eram", "foi", "foram", "sera", "serao", "seria", "seja", "sejam",
        "sendo", "sido", "estar", "estao", "estava", "ter", "tem", "tinha", "teve", "tera", "havia", "ha", "nao", "sim",
        "mais", "menos", "muito", "muita", "muitos", "muitas", "pouco", "tambem", "ja", "ainda", "so", "apenas", "cada",
        "todo", "toda", "todos", "todas", "outro", "outra", "outros", "outras", "mesmo", "mesma", "tal", "tais", "lo",
        "la", "los", "las", "pode", "podem", "deve", "devem", "entao", "assim", "pois", "porque", "logo", "aqui", "ali",
        "bem", "tao", "tanto", "qualquer", "quaisquer", "caso", "conforme", "segundo",
        // English
        "an", "the", "and", "or", "but", "if", "then", "else", "of", "to", "in", "on", "at", "by", "for", "with",
        "without", "from", "into", "onto", "about", "than", "that", "this", "these", "those", "there", "here", "it",
        "its", "is", "are", "was", "were", "be", "been", "being", "am", "does", "did", "done", "have", "has", "had",
        "having", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "not", "yes", "i", "you",
        "he", "she", "we", "they", "him", "her", "us", "them", "my", "your", "his", "our", "their", "what", "which",
        "who", "whom", "whose", "when", "where", "why", "how", "all", "any", "each", "every", "some", "such", "only",
        "also", "just", "very", "more", "most", "less", "other", "own", "same", "too", "up", "down", "out", "over",
        "under", "again", "once", "both", "few", "nor", "because", "while", "until", "after", "before", "between",
        "through", "during", "above", "below", "so", "as", "do", "no",
    ], StringComparer.Ordinal);

    public static bool Contains(string foldedWord) => Words.Contains(foldedWord);
}
