using System.ComponentModel.DataAnnotations;

namespace Forge.Shared.Data;

public sealed class DataOptions
{
    public const string SectionName = "Forge";

    /// <summary><c>sqlite</c> (default, embedded) or <c>postgres</c>.</summary>
    [RegularExpression("^(?i)(sqlite|postgres|postgresql)$", ErrorMessage = "Forge:Database must be 'sqlite' or 'postgres'.")]
    public string Database { get; set; } = "sqlite";

    /// <summary>The data folder: the SQLite file, file-system blobs and development keys live here.</summary>
    [Required]
    public string DataPath { get; set; } = "./.forge";

    public bool UsePostgres => Database.StartsWith("postgres", StringComparison.OrdinalIgnoreCase);

    public string FullDataPath => Path.GetFullPath(DataPath);
}
