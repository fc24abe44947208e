using System.ComponentModel.DataAnnotations;

namespace Forge.Shared.Text.Extraction;

/// <summary>
/// Bounds on what one extraction may cost, so a crafted file fails its document instead of exhausting the
/// process (memory, stack) or, retried, every worker after it.
/// </summary>
public sealed class ExtractionOptions
{
    public const string SectionName = "Forge:Extraction";

    /// <summary>Largest a DOCX part Forge reads (word/document.xml) may expand to, counted while inflating.</summary>
    [Range(1024, 1L << 40)]
    public long MaxDocxPartBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Largest the whole DOCX archive may declare it expands to (images included).</summary>
    [Range(1024, 1L << 40)]
    public long MaxDocxExpandedBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Deepest XML nesting accepted in a DOCX part; Word's own documents stay far below this.</summary>
    [Range(16, 100_000)]
    public int MaxDocxXmlDepth { get; set; } = 256;

    /// <summary>Most XML elements accepted in a DOCX part.</summary>
    [Range(1000, int.MaxValue)]
    public int MaxDocxXmlElements { get; set; } = 4_000_000;

    /// <summary>Extractions one process runs at once; others wait their turn.</summary>
    [Range(1, 256)]
    public int MaxConcurrentExtractions { get; set; } = 2;
}
