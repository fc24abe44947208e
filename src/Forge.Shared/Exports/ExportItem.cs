using System.Text.Json.Nodes;

namespace Forge.Shared.Exports;

/// <summary>A training item as the export writers see it: the reviewed item with its provenance.</summary>
public sealed record ExportItem(
    Guid Id,
    string Instruction,
    string InputText,
    string IdealResponse,
    string? BadResponse,
    string? Explanation,
    double? QualityScore,
    JsonObject QualityFlags,
    string ReviewStatus,
    Guid? SegmentId,
    Guid? DocumentId,
    Guid? TemplateId,
    string? Generator,
    string? Model,
    DateTime CreatedAt);
