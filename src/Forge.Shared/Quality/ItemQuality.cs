using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Quality;

/// <summary>The texts of a training item, with the segment text it was generated from.</summary>
public sealed record QualityInput(string Instruction, string InputText, string IdealResponse, string? BadResponse, string? Explanation, string SegmentText);

/// <summary>
/// <see cref="Score"/> in 0..1 and <see cref="Flags"/>: <c>length_ok</c>, <c>coherence_ok</c>, <c>grounded</c>,
/// <c>grounding_score</c>, <c>pii_detected</c>, <c>pii_types</c>, <c>duplicate_of</c> (null until a near-duplicate is found).
/// </summary>
public sealed record QualityAssessment(double Score, JsonObject Flags);

/// <summary>
/// Deterministic heuristic checks of a generated item; no model involved, so it runs on every item as it is made.
/// </summary>
public static class ItemQuality
{
    public const string LengthOk = "length_ok";
    public const string CoherenceOk = "coherence_ok";
    public const string Grounded = "grounded";
    public const string GroundingScore = "grounding_score";
    public const string PiiDetected = "pii_detected";
    public const string PiiTypes = "pii_types";
    public const string DuplicateOf = "duplicate_of";

    /// <summary>The <c>grounding_score</c> from which an item counts as <c>grounded</c>.</summary>
    public const double GroundingThreshold = 0.6;

    public static QualityAssessment Assess(QualityInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var instructionWords = FoldedText.Words(input.Instruction);
        var idealWords = FoldedText.Words(input.IdealResponse);
        // Rounded before comparing, so the stored score and the grounded flag never disagree.
        var grounding = Math.Round(Grounding.Score(idealWords, input.SegmentText), 2, MidpointRounding.AwayFromZero);
        var pii = DetectPii(input);

        var flags = new JsonObject
        {
            [LengthOk] = LengthCheck.Passes(instructionWords, idealWords),
            [CoherenceOk] = CoherenceCheck.Passes(input.IdealResponse, idealWords, input.BadResponse),
            [Grounded] = grounding >= GroundingThreshold,
            [GroundingScore] = grounding,
            [PiiDetected] = pii.Count > 0,
            [PiiTypes] = new JsonArray([.. pii.Select(type => (JsonNode)type)]),
            [DuplicateOf] = null,
        };
        return new QualityAssessment(ScoreOf(flags), flags);
    }

    /// <summary>
    /// The item's score from its flags, so it can be recomputed when <c>duplicate_of</c> is set or a reviewer edits the
    /// item: <c>(0.5 × grounding_score + 0.25 × length_ok + 0.25 × coherence_ok)</c>, halved when <c>pii_detected</c>,
    /// halved again when <c>duplicate_of</c> is set, rounded to 2 decimals. Grounding weighs most because an answer
    /// not taken from the document teaches the model to invent. A missing or malformed check counts as failed
    /// (false, 0); a missing <c>pii_detected</c> or <c>duplicate_of</c> does not penalise.
    /// </summary>
    public static double ScoreOf(JsonObject flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var score = 0.5 * Math.Clamp(Number(flags, GroundingScore), 0, 1)
            + 0.25 * (IsTrue(flags, LengthOk) ? 1 : 0)
            + 0.25 * (IsTrue(flags, CoherenceOk) ? 1 : 0);
        if (IsTrue(flags, PiiDetected))
        {
            score *= 0.5;
        }
        if (flags[DuplicateOf] is not null)
        {
            score *= 0.5;
        }
        return Math.Round(score, 2, MidpointRounding.AwayFromZero);
    }

    private static List<string> DetectPii(QualityInput input)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in (string?[])[input.Instruction, input.InputText, input.IdealResponse, input.BadResponse, input.Explanation])
        {
            if (!string.IsNullOrEmpty(field))
            {
                found.UnionWith(PiiDetector.Detect(field));
            }
        }
        return [.. PiiDetector.Types.Where(found.Contains)];
    }

    private static bool IsTrue(JsonObject flags, string key) =>
        flags[key] is JsonValue value && value.TryGetValue(out bool result) && result;

    // Parsed JSON, a double or an int set by code all read as a number.
    private static double Number(JsonObject flags, string key) =>
        flags[key] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
        && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var result)
            ? result
            : 0;
}
