using Microsoft.Extensions.Configuration.Json;

namespace Forge.Functions.Hosting;

/// <summary>
/// Reads an Azure Functions <c>local.settings.json</c>: the flat <c>Values</c> (keys written
/// <c>Forge:Auth:SigningKey</c> or <c>Forge__Auth__SigningKey</c>) and the <c>ConnectionStrings</c> object.
/// Everything else in the file (<c>IsEncrypted</c>, <c>Host</c>) is for the Functions tooling and ignored.
/// </summary>
public sealed class LocalSettingsConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new LocalSettingsConfigurationProvider(this);
    }
}

public sealed class LocalSettingsConfigurationProvider(LocalSettingsConfigurationSource source) : JsonConfigurationProvider(source)
{
    private const string ValuesPrefix = "Values:";
    private const string ConnectionStringsPrefix = "ConnectionStrings:";

    public override void Load(Stream stream)
    {
        base.Load(stream);
        var mapped = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Data)
        {
            if (key.StartsWith(ValuesPrefix, StringComparison.OrdinalIgnoreCase))
            {
                mapped[key[ValuesPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = value;
            }
            else if (key.StartsWith(ConnectionStringsPrefix, StringComparison.OrdinalIgnoreCase))
            {
                mapped[key] = value;
            }
        }
        Data = mapped;
    }
}
