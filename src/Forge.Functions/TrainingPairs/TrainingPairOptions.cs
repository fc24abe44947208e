using System.ComponentModel.DataAnnotations;

namespace Forge.Functions.TrainingPairs;

/// <summary>Limits of <c>POST /api/v1/training/import</c> and <c>/generate</c> (<c>Forge:TrainingPairs</c>).</summary>
public sealed class TrainingPairOptions
{
    public const string SectionName = "Forge:TrainingPairs";

    /// <summary>
    /// Longest JSONL line read, in bytes. A pair at the 100 hooks + 100 scenes limit with a few hundred characters per
    /// field is well under 1 MB; a longer line is reported as that line's error without being held in memory.
    /// </summary>
    [Range(1024, 64L * 1024 * 1024)]
    public int MaxImportLineBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest import body (the file, or the raw JSONL body); a larger one is a 413 and nothing of it is imported.</summary>
    [Range(1, long.MaxValue)]
    public long MaxImportBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Topics of one <c>POST /api/v1/training/generate</c> asked of the provider at once (a wave of activities).</summary>
    [Range(1, 100)]
    public int GenerationConcurrency { get; set; } = 8;

    /// <summary>Non-blank lines read from one file; the line after the last one is reported and the rest is not read.</summary>
    [Range(1, 1_000_000)]
    public int MaxImportLines { get; set; } = 50_000;
}
