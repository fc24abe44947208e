namespace Forge.Shared.Quality;

/// <summary>
/// The <see cref="Size"/> smallest distinct shingle hashes of a text, sorted. The Jaccard similarity of two texts
/// estimated from these is exact while their shingles together fit in the sketch (texts of up to about 130 words)
/// and has a lower variance than a MinHash signature of the same size beyond that: with 128 MinHash values a
/// one-word change in a 40-word text (Jaccard 0.85) is missed about 1 time in 20 at a 0.8 threshold; here never.
/// </summary>
internal static class BottomKSketch
{
    public const int Size = 128;

    /// <summary>Sorts <paramref name="shingles"/> in place and copies its smallest distinct values to <paramref name="sketch"/>; how many.</summary>
    public static int Take(Span<uint> shingles, Span<uint> sketch)
    {
        shingles.Sort();
        var length = 0;
        for (var i = 0; i < shingles.Length && length < sketch.Length; i++)
        {
            if (length == 0 || shingles[i] != sketch[length - 1])
            {
                sketch[length++] = shingles[i];
            }
        }
        return length;
    }

    /// <summary>
    /// The share of the <see cref="Size"/> smallest hashes of both texts together that are in both: the first
    /// <see cref="Size"/> values of the merged sketches are exactly those, and each is in a text's sketch if it is in the text.
    /// </summary>
    public static double Jaccard(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        int i = 0, j = 0, union = 0, shared = 0;
        while (union < Size && (i < a.Length || j < b.Length))
        {
            if (j == b.Length || (i < a.Length && a[i] < b[j]))
            {
                i++;
            }
            else if (i == a.Length || b[j] < a[i])
            {
                j++;
            }
            else
            {
                shared++;
                i++;
                j++;
            }
            union++;
        }
        return union == 0 ? 0 : (double)shared / union;
    }
}
