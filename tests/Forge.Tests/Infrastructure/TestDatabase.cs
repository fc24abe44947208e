using Forge.Shared.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// A fresh, empty Forge database (a SQLite file in a temp folder or a new PostgreSQL database) registered
/// through <see cref="DataServiceCollectionExtensions.AddForgeData"/> exactly as the host does, without a host.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? tempDir;

    private TestDatabase(DatabaseProvider provider, Dictionary<string, string?> settings, string? tempDir)
    {
        Provider = provider;
        Settings = settings;
        this.tempDir = tempDir;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddForgeData(configuration);
        Services = services.BuildServiceProvider();
    }

    public DatabaseProvider Provider { get; }
    public IReadOnlyDictionary<string, string?> Settings { get; }
    public ServiceProvider Services { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, string prefix = "forge_data")
    {
        var settings = new Dictionary<string, string?>();
        string? tempDir = null;
        if (provider == DatabaseProvider.Postgres)
        {
            settings["Forge:Database"] = "postgres";
            settings["ConnectionStrings:Forge"] = await PostgresServer.CreateDatabaseAsync(prefix);
        }
        else
        {
            tempDir = Directory.CreateTempSubdirectory("forge-data-").FullName;
            settings["Forge:Database"] = "sqlite";
            settings["Forge:DataPath"] = tempDir;
        }
        return new TestDatabase(provider, settings, tempDir);
    }

    public Task MigrateAsync() => Services.MigrateForgeDatabaseAsync();

    public async Task<T> WithDbAsync<T>(Func<ForgeDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ForgeDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        var sqlite = Services.GetService<SqliteDatabase>();
        // Registered as an instance, so the container does not dispose it; its pooled connections would linger.
        Services.GetService<NpgsqlDataSource>()?.Dispose();
        await Services.DisposeAsync();
        if (sqlite is not null)
        {
            SqliteConnection.ClearPool(new SqliteConnection(sqlite.ConnectionString));
        }
        if (tempDir is not null)
        {
            try
            {
                Directory.Delete(tempDir, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}
