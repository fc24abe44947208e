using Forge.Functions.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// The real Forge host over HTTP, with its own data folder (a fresh SQLite database and signing key) in a
/// temp directory. Settings are passed as host settings so they are visible to Program.cs while it builds.
/// </summary>
public class ForgeApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IEndpointRouteBuilder>> endpoints = [];

    public ForgeApiFactory()
    {
        DataPath = Path.Combine(Path.GetTempPath(), "forge-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataPath);
        // A developer's environment or local.settings.json must not leak into tests: the embedded defaults unless a test says otherwise.
        WithSetting("Forge:Database", "sqlite");
        WithSetting("ConnectionStrings:Forge", "");
        WithSetting("Forge:Auth:SigningKey", "");
        WithSetting("Forge:Auth:Authority", "");
        WithSetting("Forge:Auth:AllowAnonymous", "false");
        WithSetting("AzureWebJobsStorage", AzuriteServer.SharedConnectionString);
        WithSetting("Forge:Extensions:DurableTask:HubName", DurableTestEnvironment.NewHubName());
        WithSetting("Forge:Extensions:DurableTask:StorageProvider:PartitionCount", "2");
        WithSetting("Forge:Extensions:DurableTask:StorageProvider:MaxQueuePollingInterval", "00:00:00.500");
    }

    public string DataPath { get; }

    /// <summary>Set before the first client is created.</summary>
    public ForgeApiFactory WithSetting(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    /// <summary>Endpoints mapped inside the Forge pipeline (errors, request ids and auth apply), for exercising it.</summary>
    public ForgeApiFactory WithEndpoints(Action<IEndpointRouteBuilder> map)
    {
        endpoints.Add(map);
        return this;
    }

    /// <summary>A client that calls as <paramref name="userId"/> with a token from Forge's own issuer.</summary>
    public HttpClient CreateAuthenticatedClient(string userId = "alice")
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", IssueToken(userId));
        return client;
    }

    public string IssueToken(string userId, TimeSpan? lifetime = null) =>
        Services.GetRequiredService<JwtTokenIssuer>().Issue(userId, lifetime ?? TimeSpan.FromHours(1));

    public async Task<CreatedApiKey> CreateApiKeyAsync(string userId, string name = "test")
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(userId, name, CancellationToken.None);
    }

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Forge:DataPath", DataPath);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            foreach (var map in endpoints)
            {
                services.AddSingleton(new EndpointExtension(map));
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataPath, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless; failing the test run over it is not.
            }
        }
    }
}
