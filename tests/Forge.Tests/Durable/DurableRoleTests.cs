using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Tests.Durable;

/// <summary><c>--role api</c> schedules but runs nothing; a <c>--role worker</c> host on the same task hub runs it.</summary>
public sealed class DurableRoleTests
{
    [Fact]
    public async Task AnApiRoleSchedulesAndOnlyAWorkerRoleRunsTheOrchestration()
    {
        var hub = DurableHost.NewHubName();
        await using var api = await DurableHost.StartAsync(hub, "api", TestOrchestrations.Register);
        var id = await api.Client.ScheduleNewOrchestrationInstanceAsync("chain", 3);
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await api.Client.GetInstanceAsync(id))!.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Pending);

        await using var worker = await DurableHost.StartAsync(hub, "worker", TestOrchestrations.Register);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await api.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed);
        done.ReadOutputAs<int>().Should().Be(1 + 4 + 9);
    }

    [Fact]
    public async Task TwoWorkersOnOneHubBothTakeActivitiesOfOneFanOut()
    {
        var hub = DurableHost.NewHubName();
        await using var first = await DurableHost.StartAsync(hub, "all", Register, s => s.AddSingleton(new HostTag("first")));
        await using var second = await DurableHost.StartAsync(hub, "worker", Register, s => s.AddSingleton(new HostTag("second")));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var id = await first.Client.ScheduleNewOrchestrationInstanceAsync("where-fan", 200);
        var hosts = (await first.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token)).ReadOutputAs<string[]>()!;

        hosts.Should().HaveCount(200);
        hosts.Distinct().Should().BeEquivalentTo(["first", "second"]);
    }

    private static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<int, string[]>("where-fan", async (context, count) =>
            await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<string>("where-am-i", i))));
        registry.AddActivity(new TaskName("where-am-i"), typeof(WhereAmI));
    }

    public sealed record HostTag(string Name);

    /// <summary>Says which host ran it; slow enough that one host cannot drain the queue alone.</summary>
    public sealed class WhereAmI(HostTag tag) : TaskActivity<int, string>
    {
        public override async Task<string> RunAsync(TaskActivityContext context, int input)
        {
            await Task.Delay(50);
            return tag.Name;
        }
    }
}
