using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Shared.Data;

public static class DatabaseMigrator
{
    /// <summary>
    /// Applies the provider's migration set. EF Core takes a database lock while migrating, so replicas
    /// starting together apply each migration once.
    /// </summary>
    public static async Task MigrateForgeDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // WAL is a property of the database file: readers no longer block the writer, nor it them.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        await db.Database.MigrateAsync(cancellationToken);
    }
}
