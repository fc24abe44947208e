namespace Forge.Shared.Exports;

/// <summary>
/// What became of one item: written, with the lowercase hex SHA-256 of its record as written (without the line
/// break or array comma), or skipped, with a short stable reason (see <see cref="ExportSkipReasons"/>).
/// </summary>
public readonly record struct ExportWriteResult(string? ContentHash, string? SkipReason)
{
    public bool IsWritten => ContentHash is not null;

    public static ExportWriteResult Wrote(string contentHash) => new(contentHash, null);

    public static ExportWriteResult Skip(string reason) => new(null, reason);
}

/// <summary>Why an item could not be written in the export's schema; counted in the manifest's <c>skipped</c>.</summary>
public static class ExportSkipReasons
{
    /// <summary>The dpo schema needs a non-empty bad_response to prefer the ideal one over.</summary>
    public const string NoBadResponse = "no_bad_response";
}
