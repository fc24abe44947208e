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
        await db.Database.MigrateAsync(cancellationToken);
    }
}
