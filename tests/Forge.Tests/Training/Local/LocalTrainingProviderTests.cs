using Forge.Shared.Durable;
using System.Globalization;
using System.Text.Json.Nodes;
using Forge.Shared.Training;
using static Forge.Tests.Training.Local.LocalTrainingHarness;

namespace Forge.Tests.Training.Local;

public sealed class LocalTrainingProviderTests : IDisposable
{
    private readonly LocalTrainingHarness _harness = new();

    [Fact]
    public async Task SucceedingCommandReportsItsMetricsEventsAndModel()
    {
        var lines = Enumerable.Range(1, 10).Select(step => FormattableString.Invariant(
            $$"""echo '{"event":"metrics","step":{{step}},"loss":{{1.0 - step * 0.05}},"epoch":{{(step - 1) / 5}},"progress":{{step / 10.0}}}'"""));
        var provider = _harness.Provider(_harness.Script(string.Join('\n', lines) + """

            echo 'loading shards, not JSON'
            echo '{"event":"message","message":"saving the adapter"}'
            echo '{"event":"completed","model":"/models/forge-test-adapter"}'
            """));

        var handle = await _harness.SubmitAsync(provider);
        var (_, polls) = await PollUntilAsync(provider, handle, s => TrainingState.IsTerminal(s.Status), "the job to end");

        var last = polls[^1];
        last.Status.Should().Be(TrainingState.Succeeded);
        last.FineTunedModel.Should().Be("/models/forge-test-adapter");
        last.Error.Should().BeNull();
        last.Metrics["step"]!.GetValue<double>().Should().Be(10);
        last.Metrics["loss"]!.GetValue<double>().Should().BeApproximately(0.5, 1e-9);
        last.Metrics["epoch"]!.GetValue<double>().Should().Be(1);
        last.Metrics["progress"]!.GetValue<double>().Should().Be(1);
        var events = polls.SelectMany(p => p.Events).ToList();
        events.Should().OnlyHaveUniqueItems(e => e.Id);
        events.Where(e => e.Kind == "metrics").Should().HaveCount(10);
        events.Should().Contain(e => e.Kind == "message" && e.Message == "loading shards, not JSON");
        events.Should().Contain(e => e.Kind == "message" && e.Message == "saving the adapter");
        events.Should().Contain(e => e.Kind == "status" && e.Data!["status"]!.GetValue<string>() == TrainingState.Succeeded);
        events.Count.Should().BeGreaterThanOrEqualTo(13);
        events.Where(e => e.Kind == "metrics").Select(e => e.Data!["step"]!.GetValue<double>()).Should().Equal(Enumerable.Range(1, 10).Select(i => (double)i));

        var again = await provider.GetStatusAsync(handle with { State = last.State }, CancellationToken.None);
        again.Events.Should().BeEmpty("the cursor is past every line already reported");
        again.Metrics["step"]!.GetValue<double>().Should().Be(10, "the latest figures stay known without new lines");
    }

    [Fact]
    public async Task EachPollReturnsOnlyCompleteLinesAfterTheCursor()
    {
        var release = _harness.FileIn("release");
        var ready = _harness.FileIn("ready");
        var provider = _harness.Provider(_harness.Script($$"""
            echo '{"event":"metrics","step":1,"loss":0.9}'
            echo '{"event":"metrics","step":2,"loss":0.8}'
            printf '{"event":"message","message":"half'
            echo yes > {{LocalPath(ready)}}
            while [ ! -f {{LocalPath(release)}} ]; do sleep 0.05; done
            echo ' a line"}'
            echo '{"event":"metrics","step":3,"loss":0.7}'
            """));
        var handle = await _harness.SubmitAsync(provider);
        await WaitForFileAsync(ready);

        var first = await provider.GetStatusAsync(handle, CancellationToken.None);
        var second = await provider.GetStatusAsync(handle with { State = first.State }, CancellationToken.None);
        File.WriteAllText(release, "go");
        var (_, rest) = await PollUntilAsync(provider, handle with { State = second.State }, s => TrainingState.IsTerminal(s.Status), "the job to end");

        first.Status.Should().Be(TrainingState.Running);
        first.Events.Where(e => e.Kind != "status").Select(e => e.Message).Should().Equal("step 1, loss 0.9", "step 2, loss 0.8");
        second.Events.Should().BeEmpty("nothing complete was written since the first poll");
        var later = rest.SelectMany(p => p.Events).Where(e => e.Kind != "status").ToList();
        later.Select(e => e.Message).Should().Equal("half a line", "step 3, loss 0.7");
        var cursor = long.Parse(first.Events[^1].Id, CultureInfo.InvariantCulture);
        later.Select(e => long.Parse(e.Id, CultureInfo.InvariantCulture)).Should().BeInAscendingOrder().And.OnlyContain(id => id > cursor);
        rest[^1].Metrics["loss"]!.GetValue<double>().Should().Be(0.7);
    }

    [Fact]
    public async Task NonZeroExitFailsWithTheEndOfStderr()
    {
        var provider = _harness.Provider(_harness.Script("""
            echo 'starting' >&2
            echo 'RuntimeError: CUDA out of memory' >&2
            exit 3
            """));

        var handle = await _harness.SubmitAsync(provider);
        var (_, polls) = await PollUntilAsync(provider, handle, s => TrainingState.IsTerminal(s.Status), "the job to end");

        polls[^1].Status.Should().Be(TrainingState.Failed);
        polls[^1].Error.Should().Contain("exited with code 3").And.Contain("RuntimeError: CUDA out of memory");
        polls[^1].FineTunedModel.Should().BeNull();
    }

    [Theory]
    [InlineData("sh -c 'exec true'", TrainingState.Succeeded, null)]
    [InlineData("sh -c 'exit 4'", TrainingState.Failed, "exited with code 4")]
    [InlineData("no-such-trainer --data {data}", TrainingState.Failed, "exited with code 127")]
    public async Task ACommandThatExecsOrExitsStillHasItsExitCodeRecorded(string command, string status, string? error)
    {
        var provider = _harness.Provider(command);

        var handle = await _harness.SubmitAsync(provider);
        var (_, polls) = await PollUntilAsync(provider, handle, s => TrainingState.IsTerminal(s.Status), "the job to end");

        polls[^1].Status.Should().Be(status, polls[^1].Error);
        if (error is not null)
        {
            polls[^1].Error.Should().Contain(error);
        }
    }

    [Fact]
    public async Task SucceededWithoutACompletedLineReportsTheOutputFolder()
    {
        var provider = _harness.Provider(_harness.Script("echo trained"));

        var handle = await _harness.SubmitAsync(provider);
        var (_, polls) = await PollUntilAsync(provider, handle, s => TrainingState.IsTerminal(s.Status), "the job to end");

        polls[^1].Status.Should().Be(TrainingState.Succeeded);
        polls[^1].FineTunedModel.Should().Be(Path.Combine(_harness.WorkDirectory, "forge-test", "output"));
    }

    [Fact]
    public async Task CancelStopsTheWholeProcessGroupIncludingAGrandchildThatIgnoresSigterm()
    {
        var grandchild = _harness.FileIn("grandchild");
        var provider = _harness.Provider(_harness.Script($$"""
            sh -c 'trap "" TERM; exec sleep 300' &
            echo $! > {{LocalPath(grandchild)}}
            echo '{"event":"message","message":"training"}'
            wait
            """), cancelGraceSeconds: 1);
        var handle = await _harness.SubmitAsync(provider);
        await WaitForFileAsync(grandchild);
        var grandchildPid = int.Parse(File.ReadAllText(grandchild).Trim(), CultureInfo.InvariantCulture);
        var leader = handle.State["pid"]!.GetValue<int>();
        IsRunning(grandchildPid).Should().BeTrue();

        await provider.CancelAsync(handle, CancellationToken.None);
        var status = await provider.GetStatusAsync(handle, CancellationToken.None);

        IsRunning(grandchildPid).Should().BeFalse("SIGKILL follows SIGTERM for the whole group after the grace period");
        IsRunning(leader).Should().BeFalse();
        status.Status.Should().Be(TrainingState.Cancelled);
        status.Error.Should().BeNull();
    }

    [Fact]
    public async Task CancellingAFinishedJobIsNotAnErrorAndKeepsItsResult()
    {
        var provider = _harness.Provider(_harness.Script("echo done"));
        var handle = await _harness.SubmitAsync(provider);
        await PollUntilAsync(provider, handle, s => TrainingState.IsTerminal(s.Status), "the job to end");

        await provider.CancelAsync(handle, CancellationToken.None);

        (await provider.GetStatusAsync(handle, CancellationToken.None)).Status.Should().Be(TrainingState.Succeeded);
    }

    [Fact]
    public async Task ProcessThatVanishedWithoutAnExitCodeIsReportedFailed()
    {
        var provider = _harness.Provider(_harness.Script("sleep 300"));
        var handle = await _harness.SubmitAsync(provider);

        KillGroup(handle.State["pid"]!.GetValue<int>());
        var (_, polls) = await PollUntilAsync(provider, handle, s => TrainingState.IsTerminal(s.Status), "the job to end");

        polls[^1].Status.Should().Be(TrainingState.Failed);
        polls[^1].Error.Should().Contain("disappeared");
    }

    [Fact]
    public async Task MissingCommandIsAPermanentErrorNamingTheSetting()
    {
        var provider = _harness.Provider(command: "  ");

        var submit = () => provider.SubmitAsync(Submission(), CancellationToken.None);

        (await submit.Should().ThrowAsync<PermanentActivityException>()).WithMessage("*Forge:Training:Local:Command*");
    }

    [Fact]
    public async Task JobNameThatIsNotAFolderNameIsRejected()
    {
        var provider = _harness.Provider(_harness.Script("echo hi"));

        var submit = () => provider.SubmitAsync(Submission(jobName: "../escape"), CancellationToken.None);

        await submit.Should().ThrowAsync<PermanentActivityException>();
        Directory.Exists(Path.Combine(_harness.Root, "escape")).Should().BeFalse();
    }

    public void Dispose() => _harness.Dispose();
}
