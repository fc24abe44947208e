using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Forge.Shared.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The durable engine: the <see cref="DurableEngine"/> client everywhere, and the workers (plus the
    /// PostgreSQL LISTEN connection) when <c>Forge:Role</c> is <c>worker</c> or <c>all</c> (the default).
    /// </summary>
    public static IServiceCollection AddForgeEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EngineOptions>().Bind(configuration.GetSection(EngineOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        if (services.All(d => d.ServiceType != typeof(ActivityRegistry)))
        {
            services.AddSingleton(new ActivityRegistry());
        }
        var data = configuration.GetSection(DataOptions.SectionName).Get<DataOptions>() ?? new DataOptions();
        services.AddSingleton(new EngineWriteGate(enabled: !data.UsePostgres));
        services.AddSingleton<EngineSignal>();
        services.AddSingleton<RunningActivities>();
        services.AddSingleton<IInterceptor, EngineWakeInterceptor>();
        services.AddScoped<DurableEngine>();
        services.AddSingleton<WorkItemRunner>();

        if (ForgeRole.FromConfiguration(configuration).IsWorker)
        {
            services.AddSingleton<EngineWorker>();
            services.AddHostedService(sp => sp.GetRequiredService<EngineWorker>());
            if (data.UsePostgres)
            {
                services.AddHostedService<PostgresWakeListener>();
            }
        }
        return services;
    }
}
