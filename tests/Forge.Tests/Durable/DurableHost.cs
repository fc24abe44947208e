using Forge.Shared.Durable;
using Forge.Tests.Infrastructure;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Forge.Tests.Durable;

/// <summary>
/// A host running Forge's durable layer (the real Durable Task Framework on the shared Azurite) in a task hub
/// of its own, in the role the test asks for, with the test's orchestrators and activities.
/// </summary>
public sealed class DurableHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DurableHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    public static string NewHubName() => DurableTestEnvironment.NewHubName();

    public static async Task<DurableHost> StartAsync(string hubName, string role, Action<DurableTaskRegistry> tasks,
        Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null)
    {
        var azurite = await AzuriteServer.StartedAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Forge:Role"] = role,
            [$"{DurableTaskHubOptions.SectionName}:HubName"] = hubName,
            [$"{DurableTaskHubOptions.SectionName}:StorageProvider:PartitionCount"] = "2",
            [$"{DurableTaskHubOptions.SectionName}:StorageProvider:MaxQueuePollingInterval"] = "00:00:00.500",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddForgeDurable(builder.Configuration);
        builder.Services.AddDurableTasks(tasks);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new DurableHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(30));
        _host.Dispose();
    }
}
