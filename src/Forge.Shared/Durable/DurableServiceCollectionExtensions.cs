using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Durable;

public static class DurableServiceCollectionExtensions
{
    /// <summary>
    /// The Durable Task backend on Azure Storage and its <see cref="DurableTaskClient"/> in every role; the
    /// worker that runs orchestrations and activities when <c>Forge:Role</c> is <c>worker</c> or <c>all</c>.
    /// Features add their orchestrators and activities with <see cref="AddDurableTasks"/>.
    /// </summary>
    public static IServiceCollection AddForgeDurable(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DurableTaskHubOptions>().Bind(configuration.GetSection(DurableTaskHubOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DurableTaskHubOptions>>(new DurableStorageConnectionValidator(configuration));
        services.AddSingleton(sp => CreateBackend(sp, configuration));
        services.AddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        services.AddSingleton<DurableTaskClient>(sp => new ForgeDurableTaskClient(Options.DefaultName, sp.GetRequiredService<IOrchestrationServiceClient>()));
        services.AddHostedService<TaskHubInitializer>();
        services.AddOptions<ActivityRetryOptions>().Bind(configuration.GetSection(ActivityRetryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ActivityRetryOptions>>().Value.ToRetry());
        services.AddOptions<ReconcileOptions>().Bind(configuration.GetSection(ReconcileOptions.SectionName));
        services.AddScoped<DurableReconciliation>();
        if (ForgeRole.FromConfiguration(configuration).IsWorker)
        {
            services.AddDurableTaskWorker(builder => builder.UseBuildTarget<DtfxDurableTaskWorker>());
            services.AddHostedService<DurableReconcilerService>();
        }
        return services;
    }

    /// <summary>A lifecycle's reconciler (see <see cref="DurableReconciliation"/>).</summary>
    public static IServiceCollection AddDurableReconciler<TReconciler>(this IServiceCollection services)
        where TReconciler : class, IDurableReconciler
    {
        services.AddScoped<IDurableReconciler, TReconciler>();
        return services;
    }

    /// <summary>
    /// An orchestrator created with its constructor's services — singletons only, since an orchestrator holds no
    /// scoped state. The SDK creates an orchestrator registered by type with Activator, without DI.
    /// </summary>
    public static IServiceCollection AddDurableOrchestrator<TOrchestrator>(this IServiceCollection services, string name)
        where TOrchestrator : class, ITaskOrchestrator
    {
        services.AddOptions<DurableTaskRegistry>(Options.DefaultName).Configure<IServiceProvider>((registry, provider) =>
            registry.AddOrchestrator(new TaskName(name), () => ActivatorUtilities.CreateInstance<TOrchestrator>(provider)));
        return services;
    }

    /// <summary>Registers orchestrators and activities; they run only where a worker runs.</summary>
    public static IServiceCollection AddDurableTasks(this IServiceCollection services, Action<DurableTaskRegistry> register)
    {
        services.Configure(Options.DefaultName, register);
        return services;
    }

    /// <summary>The connection string named by <c>storageProvider.connectionName</c>, as Functions resolves it.</summary>
    public static string? StorageConnection(IConfiguration configuration, AzureStorageProviderOptions provider) =>
        configuration[provider.ConnectionName] is { Length: > 0 } value ? value : configuration.GetConnectionString(provider.ConnectionName);

    private static AzureStorageOrchestrationService CreateBackend(IServiceProvider services, IConfiguration configuration)
    {
        var options = services.GetRequiredService<IOptions<DurableTaskHubOptions>>().Value;
        var provider = options.StorageProvider;
        var connection = StorageConnection(configuration, provider)!;
        return new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connection),
            TaskHubName = options.HubName,
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}",
            PartitionCount = provider.PartitionCount,
            MaxQueuePollingInterval = provider.MaxQueuePollingInterval,
            WorkItemQueueVisibilityTimeout = provider.WorkItemQueueVisibilityTimeout,
            ControlQueueVisibilityTimeout = provider.ControlQueueVisibilityTimeout,
            ControlQueueBatchSize = provider.ControlQueueBatchSize,
            UseTablePartitionManagement = provider.UseTablePartitionManagement,
            LeaseInterval = provider.PartitionLeaseInterval,
            LeaseRenewInterval = provider.PartitionLeaseInterval / 3,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivityFunctions,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestratorFunctions,
            ExtendedSessionsEnabled = options.ExtendedSessionsEnabled,
            // A second start of a running deterministic id is refused loudly rather than dropped.
            ThrowExceptionOnInvalidDedupeStatus = true,
            LoggerFactory = services.GetRequiredService<ILoggerFactory>(),
        });
    }

    /// <summary>Creates the task hub's queues, tables and containers before the first schedule, in every role.</summary>
    private sealed class TaskHubInitializer(IOrchestrationService backend) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => backend.CreateIfNotExistsAsync();

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class DurableStorageConnectionValidator(IConfiguration configuration) : IValidateOptions<DurableTaskHubOptions>
    {
        public ValidateOptionsResult Validate(string? name, DurableTaskHubOptions options)
        {
            var key = options.StorageProvider.ConnectionName;
            var failures = new List<string>();
            if (string.IsNullOrWhiteSpace(StorageConnection(configuration, options.StorageProvider)))
            {
                failures.Add(
                    $"'{key}' is not set: the Durable Task backend needs an Azure Storage connection string " +
                    $"(extensions.durableTask.storageProvider.connectionName in host.json names it). Locally, " +
                    "'bash scripts/run.sh' starts Azurite and sets it; 'UseDevelopmentStorage=true' uses an Azurite on its default ports.");
            }
            // Data annotations do not reach into the nested section on their own.
            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options.StorageProvider,
                new System.ComponentModel.DataAnnotations.ValidationContext(options.StorageProvider), results, validateAllProperties: true);
            failures.AddRange(results.Select(r => r.ErrorMessage ?? "extensions.durableTask.storageProvider is invalid"));
            return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
        }
    }
}
