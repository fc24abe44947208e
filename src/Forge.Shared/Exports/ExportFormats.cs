namespace Forge.Shared.Exports;

/// <summary>File formats of an export; persisted on the export, so the values never change.</summary>
public static class ExportFormats
{
    /// <summary>One compact JSON record per line.</summary>
    public const string Jsonl = "jsonl";

    /// <summary>One JSON array of records.</summary>
    public const string Json = "json";

    /// <summary>RFC 4180 CSV with a header row.</summary>
    public const string Csv = "csv";

    public static IReadOnlyList<string> All { get; } = [Jsonl, Json, Csv];
}
