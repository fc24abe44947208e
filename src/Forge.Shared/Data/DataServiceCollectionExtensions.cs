using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Forge.Shared.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ForgeDbContext"/> for the configured provider: SQLite in the data folder by
    /// default, PostgreSQL with <c>Forge:Database=postgres</c> and <c>ConnectionStrings:Forge</c>.
    /// </summary>
    public static IServiceCollection AddForgeData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DataOptions>().Bind(configuration.GetSection(DataOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(DataOptions.SectionName).Get<DataOptions>() ?? new DataOptions();
        var connectionString = configuration.GetConnectionString("Forge");

        if (options.UsePostgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new OptionsValidationException(nameof(DataOptions), typeof(DataOptions),
                    ["Forge:Database=postgres needs ConnectionStrings:Forge (e.g. Host=localhost;Database=forge;Username=forge;Password=...)."]);
            }
            var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
            services.AddSingleton(dataSource);
            services.AddDbContextPool<ForgeDbContext, PostgresForgeDbContext>((sp, o) => o
                .UseNpgsql(dataSource)
                .AddInterceptors(sp.GetServices<IInterceptor>())
                .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)));
        }
        else
        {
            var sqlite = SqliteConnectionString(options, connectionString);
            services.AddSingleton(new SqliteDatabase(sqlite));
            services.AddDbContextPool<ForgeDbContext, SqliteForgeDbContext>((sp, o) => o
                .UseSqlite(sqlite)
                .AddInterceptors(SqlitePragmas.Instance)
                .AddInterceptors(sp.GetServices<IInterceptor>())
                .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)));
        }
        return services;
    }

    private static string SqliteConnectionString(DataOptions options, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        Directory.CreateDirectory(options.FullDataPath);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(options.FullDataPath, "forge.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }
}

/// <summary>The SQLite connection string in use, for code that opens its own connections.</summary>
public sealed record SqliteDatabase(string ConnectionString);
