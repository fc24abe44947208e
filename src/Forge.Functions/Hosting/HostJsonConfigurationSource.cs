using Microsoft.Extensions.Configuration.Json;

namespace Forge.Functions.Hosting;

/// <summary>
/// Reads a Functions-style <c>host.json</c>: top-level <c>logging</c> becomes <c>Logging</c>, every other
/// top-level key <c>x</c> becomes <c>Forge:X</c> (so <c>extensions</c> binds as <c>Forge:Extensions</c>), and
/// <c>version</c> is dropped because it describes the file, not the host.
/// </summary>
public sealed class HostJsonConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new HostJsonConfigurationProvider(this);
    }
}

public sealed class HostJsonConfigurationProvider(HostJsonConfigurationSource source) : JsonConfigurationProvider(source)
{
    public override void Load(Stream stream)
    {
        base.Load(stream);
        var mapped = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Data)
        {
            var separator = key.IndexOf(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
            var top = separator < 0 ? key : key[..separator];
            var rest = separator < 0 ? "" : key[separator..];
            if (top.Equals("version", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var target = top.Equals("logging", StringComparison.OrdinalIgnoreCase)
                ? "Logging"
                : "Forge:" + char.ToUpperInvariant(top[0]) + top[1..];
            mapped[target + rest] = value;
        }
        Data = mapped;
    }
}
