using DurableTask.Core;
using DurableTask.Core.Entities;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Shared.Durable;

/// <summary>
/// Hands DurableTask.Core's dispatchers the SDK's orchestrators, wrapped by <see cref="DurableTaskShimFactory"/>.
/// Orchestrators hold no services (they are deterministic), so they come from the root provider.
/// </summary>
internal sealed class OrchestrationObjectManager(IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceProvider services)
    : INameVersionObjectManager<TaskOrchestration>
{
    public void Add(ObjectCreator<TaskOrchestration> creator) =>
        throw new NotSupportedException("Orchestrators are registered through AddDurableTaskWorker's AddTasks.");

    public TaskOrchestration? GetObject(string name, string? version)
    {
        var taskName = new TaskName(name);
        return factory.TryCreateOrchestrator(taskName, services, out var orchestrator)
            ? shims.CreateOrchestration(taskName, orchestrator)
            : null;
    }
}

/// <summary>
/// Activities get a DI scope per execution, as a Functions invocation does: each run has its own DbContext and
/// disposes it when the activity ends.
/// </summary>
internal sealed class ActivityObjectManager(IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceScopeFactory scopes)
    : INameVersionObjectManager<TaskActivity>
{
    public void Add(ObjectCreator<TaskActivity> creator) =>
        throw new NotSupportedException("Activities are registered through AddDurableTaskWorker's AddTasks.");

    public TaskActivity? GetObject(string name, string? version)
    {
        var taskName = new TaskName(name);
        var scope = scopes.CreateAsyncScope();
        if (!factory.TryCreateActivity(taskName, scope.ServiceProvider, out var activity))
        {
            scope.Dispose();
            return null;
        }
        return new ScopedTaskActivity(shims.CreateActivity(taskName, activity), scope);
    }

    private sealed class ScopedTaskActivity(TaskActivity inner, AsyncServiceScope scope) : TaskActivity
    {
        public override string Run(TaskContext context, string input) =>
            throw new NotSupportedException("Activities run asynchronously.");

        public override async Task<string> RunAsync(TaskContext context, string input)
        {
            await using (scope)
            {
                try
                {
                    return await inner.RunAsync(context, input);
                }
                catch (RetryableActivityException e) when (e.RetryAfter is not null && e is not RetryAfterActivityException)
                {
                    throw new RetryAfterActivityException(e);
                }
            }
        }
    }
}

/// <summary>Forge uses no entities; the manager exists because the worker's constructor asks for one.</summary>
internal sealed class NoEntityObjectManager : INameVersionObjectManager<TaskEntity>
{
    public void Add(ObjectCreator<TaskEntity> creator) => throw new NotSupportedException("Forge registers no entities.");

    public TaskEntity? GetObject(string name, string? version) => null;
}
