using System.Text.Json.Nodes;

namespace Forge.Shared.Quality;

/// <summary>The texts of a training item, with the segment text it was generated from.</summary>
public sealed record QualityInput(string Instruction, string InputText, string IdealResponse, string? BadResponse, string? Explanation, string SegmentText);

/// <summary>
/// <see cref="Score"/> in 0..1 and <see cref="Flags"/>: <c>length_ok</c>, <c>coherence_ok</c>, <c>grounded</c>,
/// <c>grounding_score</c>, <c>pii_detected</c>, <c>pii_types</c>, <c>duplicate_of</c> (null until a near-duplicate is found).
/// </summary>
public sealed record QualityAssessment(double Score, JsonObject Flags);
