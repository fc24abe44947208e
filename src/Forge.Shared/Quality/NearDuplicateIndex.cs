namespace Forge.Shared.Quality;

/// <summary>
/// Finds texts that say nearly the same thing as one seen before: 3-word shingles of the folded text (case, accents and
/// punctuation ignored); a 128-value MinHash signature cut into LSH bands finds candidates, and a Jaccard similarity at
/// or above the threshold, estimated from a 128-value bottom-k sketch (<see cref="BottomKSketch"/>), confirms one.
/// Texts of fewer than three words have no shingle and match only a text with the same folded words.
/// Memory: under 1 KB per text (its sketch and band entries; the signature itself is not kept), never the text.
/// Not thread-safe: one pass owns one index.
/// </summary>
public sealed class NearDuplicateIndex(double threshold = NearDuplicateIndex.DefaultThreshold)
{
    public const double DefaultThreshold = 0.8;
    public const int ShingleSize = 3;

    // The recall a pair exactly at the threshold must have of becoming a candidate when choosing the band height.
    private const double CandidateRecall = 0.99;
    private const int BlockItems = 1024;

    private readonly double _threshold = threshold is > 0 and <= 1
        ? threshold
        : throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The similarity threshold must be in (0, 1].");

    private readonly int _rows = RowsFor(threshold);

    private readonly List<Guid> _ids = [];
    private readonly List<uint[]> _sketchBlocks = [];
    private readonly List<byte> _sketchLengths = [];
    private readonly Dictionary<string, Guid> _shortTexts = new(StringComparer.Ordinal);

    // Band entries of item i are i * Bands + b; each bucket chains its entries through _next (heads hold entry + 1).
    private uint[] _bandKeys = [];
    private int[] _next = [];
    private int[] _heads = new int[1024];
    private int[] _checkedAt = [];
    private int _lookups;
    private uint[] _shingles = new uint[256];

    private int Bands => MinHash.Size / _rows;

    /// <summary>How many texts the index holds.</summary>
    public int Count => _ids.Count + _shortTexts.Count;

    /// <summary>
    /// The id of the earliest text in the index that <paramref name="text"/> nearly duplicates (and then the text is
    /// not added), or null after adding it. The same id offered again with a matching text is not its own
    /// duplicate: null, and nothing is added.
    /// </summary>
    public Guid? FindOrAdd(Guid id, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = FoldedText.Fold(text);
        var count = MinHash.Shingles(folded, ShingleSize, ref _shingles);
        if (count == 0)
        {
            if (_shortTexts.TryGetValue(folded, out var earlier))
            {
                return earlier == id ? null : earlier;
            }
            _shortTexts.Add(folded, id);
            return null;
        }

        Span<uint> signature = stackalloc uint[MinHash.Size];
        MinHash.Compute(_shingles.AsSpan(0, count), signature);
        Span<uint> keys = stackalloc uint[Bands];
        ComputeBandKeys(signature, keys);
        Span<uint> sketch = stackalloc uint[BottomKSketch.Size];
        sketch = sketch[..BottomKSketch.Take(_shingles.AsSpan(0, count), sketch)];

        var match = FindEarliest(sketch, keys);
        if (match >= 0)
        {
            return _ids[match] == id ? null : _ids[match];
        }
        Add(id, sketch, keys);
        return null;
    }

    private int FindEarliest(ReadOnlySpan<uint> sketch, ReadOnlySpan<uint> keys)
    {
        _lookups++;
        var mask = _heads.Length - 1;
        var best = -1;
        foreach (var key in keys)
        {
            for (var entry = _heads[key & mask] - 1; entry >= 0; entry = _next[entry])
            {
                var item = entry / Bands;
                // An item met in several bands is compared once; a later item than the best so far cannot win.
                if (_bandKeys[entry] != key || _checkedAt[item] == _lookups || (best >= 0 && item > best))
                {
                    continue;
                }
                _checkedAt[item] = _lookups;
                if (BottomKSketch.Jaccard(sketch, StoredSketch(item)) >= _threshold)
                {
                    best = item;
                }
            }
        }
        return best;
    }

    private void Add(Guid id, ReadOnlySpan<uint> sketch, ReadOnlySpan<uint> keys)
    {
        var item = _ids.Count;
        _ids.Add(id);
        if (item % BlockItems == 0)
        {
            _sketchBlocks.Add(new uint[BlockItems * BottomKSketch.Size]);
        }
        _sketchLengths.Add((byte)sketch.Length);
        sketch.CopyTo(_sketchBlocks[item / BlockItems].AsSpan(item % BlockItems * BottomKSketch.Size));

        var entries = (item + 1) * Bands;
        if (entries > _bandKeys.Length)
        {
            var capacity = Math.Max(entries, _bandKeys.Length * 2);
            Array.Resize(ref _bandKeys, capacity);
            Array.Resize(ref _next, capacity);
            Array.Resize(ref _checkedAt, capacity / Bands + 1);
        }
        if (entries > _heads.Length)
        {
            Rehash(_heads.Length * 2, item * Bands);
        }
        for (var band = 0; band < keys.Length; band++)
        {
            var entry = item * Bands + band;
            _bandKeys[entry] = keys[band];
            Link(entry);
        }
    }

    private void Rehash(int size, int entries)
    {
        _heads = new int[size];
        for (var entry = 0; entry < entries; entry++)
        {
            Link(entry);
        }
    }

    private void Link(int entry)
    {
        var bucket = (int)(_bandKeys[entry] & (uint)(_heads.Length - 1));
        _next[entry] = _heads[bucket] - 1;
        _heads[bucket] = entry + 1;
    }

    private ReadOnlySpan<uint> StoredSketch(int item) =>
        _sketchBlocks[item / BlockItems].AsSpan(item % BlockItems * BottomKSketch.Size, _sketchLengths[item]);

    private void ComputeBandKeys(ReadOnlySpan<uint> signature, Span<uint> keys)
    {
        for (var band = 0; band < keys.Length; band++)
        {
            // The band number is part of the key: equal values in different bands say nothing.
            var hash = MinHash.Mix((ulong)band + 1);
            foreach (var value in signature.Slice(band * _rows, _rows))
            {
                hash = MinHash.Mix(hash ^ value);
            }
            keys[band] = (uint)(hash ^ (hash >> 32));
        }
    }

    /// <summary>
    /// The tallest band (fewer, better candidates) that still makes a pair exactly at the threshold a candidate with
    /// probability <see cref="CandidateRecall"/>: 1 - (1 - t^rows)^bands. At 0.8 that is 21 bands of 6 rows
    /// (recall 0.998 at 0.8, 0.28 at 0.5); the last 2 values are not used.
    /// </summary>
    private static int RowsFor(double threshold)
    {
        var rows = 1;
        for (var candidate = 2; candidate <= MinHash.Size / 2; candidate++)
        {
            var recall = 1 - Math.Pow(1 - Math.Pow(threshold, candidate), MinHash.Size / candidate);
            if (recall < CandidateRecall)
            {
                break;
            }
            rows = candidate;
        }
        return rows;
    }
}
