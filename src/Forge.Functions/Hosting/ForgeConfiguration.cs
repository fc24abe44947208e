using Forge.Shared;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Forge.Functions.Hosting;

/// <summary>
/// Configuration sources, later winning: appsettings(.{Environment}).json &lt; host.json &lt;
/// local.settings.json <c>Values</c> &lt; environment variables &lt; command line.
/// </summary>
public static class ForgeConfiguration
{
    public const string HostJsonFileName = "host.json";
    public const string LocalSettingsFileName = "local.settings.json";
    public const string DefaultUrl = "http://localhost:8000";

    public static WebApplicationBuilder AddForgeConfiguration(this WebApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        var index = IndexOfAppEnvironmentVariables(sources);
        foreach (var source in CreateFileSources(builder.Environment.ContentRootPath))
        {
            sources.Insert(index++, source);
        }

        var role = ForgeRole.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(role);

        if (!HasExplicitEndpoints(builder.Configuration))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        return builder;
    }

    /// <summary>The same sources as the web host, for the CLI verbs that must not start it.</summary>
    public static IConfigurationRoot BuildStandalone(string contentRoot, string environmentName)
    {
        var builder = new ConfigurationBuilder();
        AddOptionalJson(builder, FindSettingsFile("appsettings.json", contentRoot));
        AddOptionalJson(builder, FindSettingsFile($"appsettings.{environmentName}.json", contentRoot));
        foreach (var source in CreateFileSources(contentRoot))
        {
            builder.Add(source);
        }
        return builder.AddEnvironmentVariables().Build();
    }

    public static IEnumerable<IConfigurationSource> CreateFileSources(string contentRoot)
    {
        if (FindSettingsFile(HostJsonFileName, contentRoot) is { } hostJson)
        {
            yield return Json(new HostJsonConfigurationSource(), hostJson);
        }
        if (FindSettingsFile(LocalSettingsFileName, contentRoot) is { } localSettings)
        {
            yield return Json(new LocalSettingsConfigurationSource(), localSettings);
        }
    }

    /// <summary>
    /// The content root first, then the repository root (the folder holding Forge.sln, where host.json and
    /// local.settings.json live when running from a checkout), then the output folder host.json is copied to.
    /// </summary>
    public static string? FindSettingsFile(string fileName, string contentRoot)
    {
        foreach (var directory in SearchDirectories(contentRoot))
        {
            var path = Path.Combine(directory, fileName);
            if (File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }

    private static IEnumerable<string> SearchDirectories(string contentRoot)
    {
        yield return contentRoot;
        for (var directory = new DirectoryInfo(contentRoot).Parent; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Forge.sln")))
            {
                yield return directory.FullName;
                break;
            }
        }
        yield return AppContext.BaseDirectory;
    }

    private static T Json<T>(T source, string path) where T : Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
    {
        source.Path = Path.GetFileName(path);
        source.Optional = true;
        source.ReloadOnChange = false;
        source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return source;
    }

    private static void AddOptionalJson(ConfigurationBuilder builder, string? path)
    {
        if (path is not null)
        {
            builder.AddJsonFile(path, optional: true, reloadOnChange: false);
        }
    }

    /// <summary>The unprefixed environment-variable source: our files go just before it, so env and args still win.</summary>
    private static int IndexOfAppEnvironmentVariables(IList<IConfigurationSource> sources)
    {
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
            {
                return i;
            }
        }
        return sources.Count;
    }

    /// <summary>
    /// Containers set ASPNETCORE_HTTP_PORTS and operators set --urls or Kestrel endpoints; the local default
    /// applies only when nobody said where to listen.
    /// </summary>
    private static bool HasExplicitEndpoints(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"])
        || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").Exists();
}
