using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Durable;

/// <summary>
/// The self-host's build target for <c>AddDurableTaskWorker</c>: the SDK's registered orchestrators and
/// activities run on DurableTask.Core's <see cref="TaskHubWorker"/> over the configured backend (Azure Storage),
/// the engine Durable Functions itself runs them on.
/// </summary>
public sealed class DtfxDurableTaskWorker(
    string? name,
    IDurableTaskFactory factory,
    IOrchestrationService orchestrationService,
    IOptionsMonitor<DurableTaskWorkerOptions> workerOptions,
    IServiceProvider services,
    ILoggerFactory loggerFactory) : DurableTaskWorker(name, factory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<DtfxDurableTaskWorker>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var shims = new DurableTaskShimFactory(workerOptions.Get(Name), loggerFactory);
        var worker = new TaskHubWorker(
            orchestrationService,
            new OrchestrationObjectManager(Factory, shims, services),
            new ActivityObjectManager(Factory, shims, services.GetRequiredService<IServiceScopeFactory>()),
            new NoEntityObjectManager(),
            loggerFactory)
        {
            // The SDK's TaskFailedException carries FailureDetails only in this mode.
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        await orchestrationService.CreateIfNotExistsAsync();
        await worker.StartAsync();
        _logger.LogInformation("Durable Task worker {Name} started", Name);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
        finally
        {
            // Forced: a graceful stop waits for every long activity; their messages become visible again and
            // another worker runs them (activities are idempotent).
            await worker.StopAsync(isForced: true);
            worker.Dispose();
            _logger.LogInformation("Durable Task worker {Name} stopped", Name);
        }
    }
}
