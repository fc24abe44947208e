using DurableTask.Core.Exceptions;
using Forge.Shared.Durable;
using Forge.Tests.Infrastructure;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Forge.Tests.Durable;

/// <summary>Forge's own <see cref="DurableTaskClient"/> against the real Azure Storage backend on Azurite.</summary>
public sealed class DurableTaskClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private DurableHost _host = null!;

    private DurableTaskClient Client => _host.Client;

    public async Task InitializeAsync() => _host = await DurableHost.StartAsync(DurableHost.NewHubName(), "all", TestOrchestrations.Register);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ScheduleWithAGivenIdRunsTheOrchestrationAndReadsItsOutput()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync("chain", 4, new StartOrchestrationOptions("chain-1"));

        var done = await WaitAsync(id);

        id.Should().Be("chain-1");
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed);
        done.ReadOutputAs<int>().Should().Be(1 + 4 + 9 + 16);
        done.ReadInputAs<int>().Should().Be(4);
        done.Name.Should().Be("chain");
    }

    [Fact]
    public async Task FanOutFanInCompletes()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync("fan", 50);

        (await WaitAsync(id)).ReadOutputAs<int>().Should().Be(Enumerable.Range(1, 50).Sum(i => i * i));
    }

    [Fact]
    public async Task AnUnknownInstanceIsNotFound()
    {
        (await Client.GetInstanceAsync("never-scheduled")).Should().BeNull();
    }

    [Fact]
    public async Task ASecondStartOfARunningIdIsRefusedWhenItsStatusIsInTheDedupeList()
    {
        var options = new StartOrchestrationOptions("approval-dedupe") { DedupeStatuses = ["Pending", "Running"] };
        await Client.ScheduleNewOrchestrationInstanceAsync("wait-for-approval", null, options);
        await Client.WaitForInstanceStartAsync("approval-dedupe");

        var again = () => Client.ScheduleNewOrchestrationInstanceAsync("wait-for-approval", null, options);

        await again.Should().ThrowAsync<OrchestrationAlreadyExistsException>();
        await Client.RaiseEventAsync("approval-dedupe", "approval", "bob");
        (await WaitAsync("approval-dedupe")).ReadOutputAs<string>().Should().Be("approved by bob");
    }

    [Fact]
    public async Task RaisedEventsReachAWaitingOrchestrator()
    {
        await Client.ScheduleNewOrchestrationInstanceAsync("wait-for-approval", null, new StartOrchestrationOptions("approval-1"));
        await Client.WaitForInstanceStartAsync("approval-1");

        await Client.RaiseEventAsync("approval-1", "approval", "alice");

        (await WaitAsync("approval-1")).ReadOutputAs<string>().Should().Be("approved by alice");
    }

    [Fact]
    public async Task TerminateEndsARunningInstanceWithTheGivenOutput()
    {
        await Client.ScheduleNewOrchestrationInstanceAsync("wait-for-approval", null, new StartOrchestrationOptions("approval-terminated"));
        await Client.WaitForInstanceStartAsync("approval-terminated");

        await Client.TerminateInstanceAsync("approval-terminated", "no longer needed");

        var done = await WaitAsync("approval-terminated");
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Terminated);
        done.ReadOutputAs<string>().Should().Be("no longer needed");
    }

    [Fact]
    public async Task ASuspendedInstanceIgnoresEventsUntilResumed()
    {
        await Client.ScheduleNewOrchestrationInstanceAsync("wait-for-approval", null, new StartOrchestrationOptions("approval-suspended"));
        await Client.WaitForInstanceStartAsync("approval-suspended");

        await Client.SuspendInstanceAsync("approval-suspended", "maintenance");
        await Poll.UntilAsync(() => Client.GetInstanceAsync("approval-suspended"), i => i?.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, "the instance suspended", Patience);
        await Client.RaiseEventAsync("approval-suspended", "approval", "carol");
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await Client.GetInstanceAsync("approval-suspended"))!.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Suspended);

        await Client.ResumeInstanceAsync("approval-suspended", "done");

        (await WaitAsync("approval-suspended")).ReadOutputAs<string>().Should().Be("approved by carol");
    }

    [Fact]
    public async Task QueryByPrefixFindsOnlyMatchingInstancesAndPurgeRemovesThem()
    {
        foreach (var i in Enumerable.Range(1, 3))
        {
            await Client.ScheduleNewOrchestrationInstanceAsync("chain", 1, new StartOrchestrationOptions($"query-me-{i}"));
        }
        await Client.ScheduleNewOrchestrationInstanceAsync("chain", 1, new StartOrchestrationOptions("other-1"));
        foreach (var id in new[] { "query-me-1", "query-me-2", "query-me-3", "other-1" })
        {
            await WaitAsync(id);
        }

        var found = new List<string>();
        await foreach (var instance in Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "query-me-" }))
        {
            found.Add(instance.InstanceId);
        }

        found.Should().BeEquivalentTo(["query-me-1", "query-me-2", "query-me-3"]);
        (await Client.PurgeInstanceAsync("query-me-1")).PurgedInstanceCount.Should().Be(1);
        (await Client.GetInstanceAsync("query-me-1")).Should().BeNull();
        (await Client.PurgeInstanceAsync("query-me-1")).PurgedInstanceCount.Should().Be(0);
    }

    [Fact]
    public async Task PurgingARunningInstanceIsRefused()
    {
        await Client.ScheduleNewOrchestrationInstanceAsync("wait-for-approval", null, new StartOrchestrationOptions("approval-purge"));
        await Client.WaitForInstanceStartAsync("approval-purge");

        var purge = () => Client.PurgeInstanceAsync("approval-purge");

        await purge.Should().ThrowAsync<InvalidOperationException>().WithMessage("*only a finished one can be purged*");
    }

    [Fact]
    public async Task ARetryableFailureIsRetriedNoSoonerThanItsRetryAfter()
    {
        var key = Guid.NewGuid().ToString("N");

        var done = await WaitAsync(await Client.ScheduleNewOrchestrationInstanceAsync("flaky", key));

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed);
        done.ReadOutputAs<int>().Should().Be(2);
        var attempts = TestOrchestrations.Attempts[key];
        // The backoff alone would wait 1 s; the activity's Retry-After asked for 3.
        (attempts[1] - attempts[0]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2.9));
    }

    [Fact]
    public async Task APermanentFailureIsNotRetriedAndKeepsItsTypeAndMessage()
    {
        var key = Guid.NewGuid().ToString("N");

        var done = await WaitAsync(await Client.ScheduleNewOrchestrationInstanceAsync("permanent", key));

        done.ReadOutputAs<string>().Should().Be($"{typeof(PermanentActivityException).FullName}: 401 Unauthorized: the key was refused");
        TestOrchestrations.Attempts[key].Should().HaveCount(1);
    }

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
    }
}
