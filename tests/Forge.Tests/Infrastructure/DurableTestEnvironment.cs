using System.Runtime.CompilerServices;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// Every Forge host a test builds runs the Durable Task backend, so the shared Azurite is the storage account of
/// the whole test process and of the worker processes it starts. Hosts that run lifecycles (ForgeApiFactory)
/// also get a task hub of their own, so one test's worker never takes another test's work.
/// </summary>
internal static class DurableTestEnvironment
{
    [ModuleInitializer]
    internal static void UseSharedAzurite()
    {
        Environment.SetEnvironmentVariable("AzureWebJobsStorage", AzuriteServer.SharedConnectionString);
        Environment.SetEnvironmentVariable("Forge__Extensions__DurableTask__HubName", NewHubName());
    }

    /// <summary>A task hub name of its own: letters and digits, starting with a letter, within Azure's 45.</summary>
    public static string NewHubName() => $"t{Guid.NewGuid():N}"[..24];
}
