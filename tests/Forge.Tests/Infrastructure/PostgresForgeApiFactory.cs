namespace Forge.Tests.Infrastructure;

/// <summary>The real Forge host over HTTP on a fresh PostgreSQL database (the data folder still holds the signing key).</summary>
public class PostgresForgeApiFactory : ForgeApiFactory
{
    public PostgresForgeApiFactory()
    {
        // A fixture's constructor cannot await; the server starts once per test run.
        ConnectionString = PostgresServer.CreateDatabaseAsync("forge_api").GetAwaiter().GetResult();
        WithSetting("Forge:Database", "postgres");
        WithSetting("ConnectionStrings:Forge", ConnectionString);
    }

    public string ConnectionString { get; }
}
