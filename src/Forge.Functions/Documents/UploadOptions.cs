using System.ComponentModel.DataAnnotations;

namespace Forge.Functions.Documents;

public sealed class UploadOptions
{
    public const string SectionName = "Forge:Uploads";

    /// <summary>Largest accepted upload; larger files get 413.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 100L * 1024 * 1024;
}
