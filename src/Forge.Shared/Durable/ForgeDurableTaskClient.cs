using System.Globalization;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using OrchestrationQuery = Microsoft.DurableTask.Client.OrchestrationQuery;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Core = DurableTask.Core;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;

namespace Forge.Shared.Durable;

/// <summary>
/// The self-host's <see cref="DurableTaskClient"/>, over the backend's <see cref="IOrchestrationServiceClient"/>
/// (in Functions mode <c>[DurableClient]</c> supplies one). Modelled on the SDK's OrchestrationServiceClientShim,
/// which is not served here. Azure Storage answers <c>[null]</c> for an unknown instance: that is not found.
/// </summary>
public sealed class ForgeDurableTaskClient(string name, IOrchestrationServiceClient client, DataConverter? converter = null)
    : DurableTaskClient(name)
{
    private static readonly TimeSpan StartPollInterval = TimeSpan.FromMilliseconds(250);
    private readonly DataConverter _converter = converter ?? JsonDataConverter.Default;

    public override ValueTask DisposeAsync() => default;

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var instance = new OrchestrationInstance
        {
            InstanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N"),
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        var tags = options?.Tags?.ToDictionary(t => t.Key, t => t.Value) ?? [];
        tags[OrchestrationTags.RequestTime] = DateTimeOffset.UtcNow.ToString(CultureInfo.InvariantCulture);
        var message = new TaskMessage
        {
            OrchestrationInstance = instance,
            Event = new ExecutionStartedEvent(-1, _converter.Serialize(input))
            {
                Name = orchestratorName.Name,
                Version = options?.Version ?? string.Empty,
                OrchestrationInstance = instance,
                ScheduledStartTime = options?.StartAt?.UtcDateTime,
                Tags = tags,
            },
        };
        // The backend refuses a start whose instance already has one of these statuses: a double submit
        // with a deterministic id starts one run. No statuses given means an id may always be reused.
        var dedupe = options?.DedupeStatuses?
            .Select(s => Enum.Parse<OrchestrationRuntimeStatus>(s, ignoreCase: true).ToCore())
            .ToArray();
        await client.CreateTaskOrchestrationAsync(message, dedupe is { Length: > 0 } ? dedupe : null);
        return instance.InstanceId;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return SendAsync(instanceId, new EventRaisedEvent(-1, _converter.Serialize(eventPayload)) { Name = eventName }, cancellation);
    }

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        return client.ForceTerminateTaskOrchestrationAsync(instanceId, _converter.Serialize(options?.Output));
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason), cancellation);

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        var states = await client.GetOrchestrationStateAsync(instanceId, allExecutions: false);
        return states?.FirstOrDefault() is { } state ? ToMetadata(state, getInputsAndOutputs) : null;
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation)
                ?? throw new InvalidOperationException($"Orchestration '{instanceId}' does not exist.");
            if (metadata.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
            {
                return metadata;
            }
            await Task.Delay(StartPollInterval, cancellation);
        }
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var state = await client.WaitForOrchestrationAsync(instanceId, null, Timeout.InfiniteTimeSpan, cancellation)
            ?? throw new InvalidOperationException($"Orchestration '{instanceId}' does not exist.");
        return ToMetadata(state, getInputsAndOutputs);
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null)
    {
        var queries = Require<IOrchestrationServiceQueryClient>();
        return Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            var query = new Core.Query.OrchestrationQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(s => s.ToCore()).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                TaskHubNames = filter?.TaskHubNames?.ToList(),
                PageSize = pageSize ?? filter?.PageSize ?? OrchestrationQuery.DefaultPageSize,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
            };
            var result = await queries.GetOrchestrationWithQueryAsync(query, cancellation);
            var page = result.OrchestrationState.Select(s => ToMetadata(s, query.FetchInputsAndOutputs)).ToList();
            return new Page<OrchestrationMetadata>(page, result.ContinuationToken);
        });
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var existing = await GetInstancesAsync(instanceId, cancellation: cancellation);
        if (existing is null)
        {
            return new PurgeResult(0);
        }
        if (!existing.IsCompleted)
        {
            throw new InvalidOperationException($"Orchestration '{instanceId}' is {existing.RuntimeStatus}; only a finished one can be purged.");
        }
        var result = await Require<IOrchestrationServicePurgeClient>().PurgeInstanceStateAsync(instanceId);
        return new PurgeResult(result.DeletedInstanceCount);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellation.ThrowIfCancellationRequested();
        var coreFilter = new PurgeInstanceFilter((filter.CreatedFrom ?? default).UtcDateTime, filter.CreatedTo?.UtcDateTime, filter.Statuses?.Select(s => s.ToCore()));
        var result = await Require<IOrchestrationServicePurgeClient>().PurgeInstanceStateAsync(coreFilter);
        return new PurgeResult(result.DeletedInstanceCount);
    }

    private Task SendAsync(string instanceId, HistoryEvent historyEvent, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        return client.SendTaskOrchestrationMessageAsync(new TaskMessage { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, Event = historyEvent });
    }

    private T Require<T>() => client is T typed
        ? typed
        : throw new NotSupportedException($"The configured backend ({client.GetType().Name}) does not implement {typeof(T).Name}.");

    private OrchestrationMetadata ToMetadata(OrchestrationState state, bool withData) => new(state.Name, state.OrchestrationInstance.InstanceId)
    {
        DataConverter = withData ? _converter : null,
        RuntimeStatus = state.OrchestrationStatus.FromCore(),
        CreatedAt = state.CreatedTime,
        LastUpdatedAt = state.LastUpdatedTime,
        SerializedInput = state.Input,
        SerializedOutput = state.Output,
        SerializedCustomStatus = state.Status,
        FailureDetails = state.FailureDetails is { } f ? ToDetails(f) : null,
    };

    private static TaskFailureDetails ToDetails(FailureDetails failure) =>
        new(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, failure.InnerFailure is { } inner ? ToDetails(inner) : null, failure.Properties);
}

internal static class OrchestrationStatusConversions
{
    // The two enums share their numbering, which the SDK itself relies on; named here so a reader sees it.
    public static Core.OrchestrationStatus ToCore(this OrchestrationRuntimeStatus status) => (Core.OrchestrationStatus)(int)status;

    public static OrchestrationRuntimeStatus FromCore(this Core.OrchestrationStatus status) => (OrchestrationRuntimeStatus)(int)status;
}
