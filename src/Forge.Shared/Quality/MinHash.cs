using System.Numerics;
using System.Runtime.InteropServices;

namespace Forge.Shared.Quality;

/// <summary>
/// MinHash over word shingles: for each of <see cref="Size"/> hash functions, the smallest hash of any shingle of
/// the text. Two texts agree on a position with probability equal to the Jaccard similarity of their shingle sets,
/// which is what LSH banding needs. Hash function i is <c>fmix32(shingle ^ seed[i])</c> (MurmurHash3's finaliser),
/// computed for 4-16 functions at once with <see cref="Vector{T}"/>.
/// </summary>
internal static class MinHash
{
    public const int Size = 128;

    // Fixed seeds: the same text gets the same signature in every process, so results are reproducible.
    private static readonly uint[] Seeds = MakeSeeds(0x5EED_F0E6_D0C5UL);

    /// <summary>
    /// Writes the hashes of the <paramref name="size"/>-word shingles of <paramref name="folded"/> (see
    /// <see cref="FoldedText.Fold"/>) to <paramref name="buffer"/>, growing it as needed; how many there are (0 for a
    /// text of fewer words).
    /// </summary>
    public static int Shingles(string folded, int size, ref uint[] buffer)
    {
        Span<ulong> window = stackalloc ulong[size];
        var words = 0;
        var count = 0;
        foreach (var range in folded.AsSpan().Split(' '))
        {
            var word = folded.AsSpan()[range];
            if (word.IsEmpty)
            {
                continue;
            }
            window[words % size] = WordHash(word);
            words++;
            if (words < size)
            {
                continue;
            }
            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(256, buffer.Length * 2));
            }
            buffer[count++] = ShingleHash(window, words % size);
        }
        return count;
    }

    /// <summary>The signature of a non-empty set of shingle hashes.</summary>
    public static void Compute(ReadOnlySpan<uint> shingles, Span<uint> signature)
    {
        signature.Fill(uint.MaxValue);
        var mins = MemoryMarshal.Cast<uint, Vector<uint>>(signature);
        var seeds = MemoryMarshal.Cast<uint, Vector<uint>>(Seeds);
        foreach (var hash in shingles)
        {
            var shingle = new Vector<uint>(hash);
            for (var i = 0; i < mins.Length; i++)
            {
                mins[i] = Vector.Min(mins[i], Fmix(shingle ^ seeds[i]));
            }
        }
    }

    // The window is a ring; 'oldest' is where the first word of the current shingle sits, so word order counts.
    private static uint ShingleHash(ReadOnlySpan<ulong> window, int oldest)
    {
        ulong hash = 0;
        for (var i = 0; i < window.Length; i++)
        {
            hash = Mix(hash ^ window[(oldest + i) % window.Length]);
        }
        return (uint)(hash ^ (hash >> 32));
    }

    // FNV-1a over the UTF-16 code units, then mixed: string.GetHashCode is randomised per process.
    private static ulong WordHash(ReadOnlySpan<char> word)
    {
        var hash = 0xCBF2_9CE4_8422_2325UL;
        foreach (var c in word)
        {
            hash = (hash ^ c) * 0x0000_0100_0000_01B3UL;
        }
        return Mix(hash);
    }

    private static Vector<uint> Fmix(Vector<uint> h)
    {
        h ^= Vector.ShiftRightLogical(h, 16);
        h *= 0x85EB_CA6Bu;
        h ^= Vector.ShiftRightLogical(h, 13);
        h *= 0xC2B2_AE35u;
        return h ^ Vector.ShiftRightLogical(h, 16);
    }

    /// <summary>SplitMix64's finaliser: a cheap 64-bit mix with good avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    private static uint[] MakeSeeds(ulong state)
    {
        var seeds = new uint[Size];
        for (var i = 0; i < seeds.Length; i++)
        {
            state += 0x9E37_79B9_7F4A_7C15UL;
            seeds[i] = (uint)Mix(state);
        }
        return seeds;
    }
}
