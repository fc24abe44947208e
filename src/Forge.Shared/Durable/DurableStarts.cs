using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Forge.Shared.Durable;

public static class DurableStarts
{
    /// <summary>The statuses in which an instance id is taken: a start with that id is refused.</summary>
    public static IReadOnlyList<string> Live { get; } = ["Pending", "Running", "Suspended"];

    /// <summary>
    /// Schedules <paramref name="orchestrator"/> under its deterministic <paramref name="instanceId"/> unless an
    /// instance with that id is already live; true when this call started it. Call it after the commit that
    /// recorded the start: if the process dies in between, the reconciler starts it.
    /// </summary>
    public static async Task<bool> StartOnceAsync(this DurableTaskClient client, TaskName orchestrator, string instanceId, object? input,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input,
                new StartOrchestrationOptions(instanceId) { DedupeStatuses = Live }, cancellationToken);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }
}
