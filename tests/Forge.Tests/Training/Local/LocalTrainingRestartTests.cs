using System.Text.Json.Nodes;
using Forge.Shared.Training;
using static Forge.Tests.Training.Local.LocalTrainingHarness;

namespace Forge.Tests.Training.Local;

/// <summary>Forge restarting mid-job: a new provider instance knows only the job folder and the saved state.</summary>
public sealed class LocalTrainingRestartTests : IDisposable
{
    private readonly LocalTrainingHarness _harness = new();

    [Fact]
    public async Task SubmitAfterARestartFindsTheRunningJobAndStartsNoSecondProcess()
    {
        var starts = _harness.FileIn("starts");
        var release = _harness.FileIn("release");
        var command = _harness.Script($$"""
            echo started >> {{LocalPath(starts)}}
            while [ ! -f {{LocalPath(release)}} ]; do sleep 0.05; done
            """);
        var before = await _harness.SubmitAsync(_harness.Provider(command));
        await WaitForFileAsync(starts);

        var afterRestart = _harness.Provider(command);
        var again = await afterRestart.SubmitAsync(Submission(), CancellationToken.None);
        File.WriteAllText(release, "go");
        var (_, polls) = await PollUntilAsync(afterRestart, new TrainingHandle(again.ExternalJobId, again.State),
            s => TrainingState.IsTerminal(s.Status), "the job to end");

        again.ExternalJobId.Should().Be(before.ExternalJobId);
        again.State["pid"]!.GetValue<int>().Should().Be(before.State["pid"]!.GetValue<int>());
        File.ReadAllLines(starts).Should().HaveCount(1, "the second submission found the first one's process");
        polls[^1].Status.Should().Be(TrainingState.Succeeded);
    }

    [Fact]
    public async Task NewInstanceContinuesFromTheSavedCursorWithoutRepeatingEvents()
    {
        var release = _harness.FileIn("release");
        var ready = _harness.FileIn("ready");
        var command = _harness.Script($$"""
            echo '{"event":"metrics","step":1,"loss":0.9}'
            echo yes > {{LocalPath(ready)}}
            while [ ! -f {{LocalPath(release)}} ]; do sleep 0.05; done
            echo '{"event":"metrics","step":2,"loss":0.8}'
            """);
        var handle = await _harness.SubmitAsync(_harness.Provider(command));
        await WaitForFileAsync(ready);
        var beforeRestart = await _harness.Provider(command).GetStatusAsync(handle, CancellationToken.None);

        // The state goes through the database as JSON text, as the lifecycle saves it.
        var saved = JsonNode.Parse(beforeRestart.State.ToJsonString())!.AsObject();
        File.WriteAllText(release, "go");
        var (_, afterRestart) = await PollUntilAsync(_harness.Provider(command), handle with { State = saved },
            s => TrainingState.IsTerminal(s.Status), "the job to end");

        beforeRestart.Events.Where(e => e.Kind == "metrics").Select(e => e.Message).Should().Equal("step 1, loss 0.9");
        afterRestart.SelectMany(p => p.Events).Where(e => e.Kind == "metrics").Select(e => e.Message).Should().Equal("step 2, loss 0.8");
        afterRestart.SelectMany(p => p.Events).Should().NotContain(e => e.Kind == "status" && e.Data!["status"]!.GetValue<string>() == TrainingState.Running,
            "the running status was reported before the restart");
        afterRestart[^1].Status.Should().Be(TrainingState.Succeeded);
    }

    [Fact]
    public async Task CommandGetsTheSubstitutedPlaceholdersAndTheJobEnvironment()
    {
        const string model = "org/model-1.5@v2:q4+lora";
        var args = _harness.FileIn("args");
        var env = _harness.FileIn("env");
        var script = _harness.Script($$"""
            for a in "$@"; do printf '%s\n' "$a"; done > {{LocalPath(args)}}
            env | grep -E '^(FORGE_|Forge__|ConnectionStrings__|AZURE_CLIENT_SECRET|PATH=)' | sort > {{LocalPath(env)}}
            """);
        var provider = _harness.Provider(script + " --data {data} {output} {base_model} {hyperparameters_file} {job_name}");
        var submission = Submission(baseModel: model);
        Environment.SetEnvironmentVariable("Forge__LocalTrainingTest__Secret", "must-not-leak");
        Environment.SetEnvironmentVariable("ConnectionStrings__ForgeTest", "Password=must-not-leak");
        Environment.SetEnvironmentVariable("AZURE_CLIENT_SECRET", "must-not-leak");
        try
        {
            var handle = await _harness.SubmitAsync(provider, submission);
            await PollUntilAsync(provider, handle, s => TrainingState.IsTerminal(s.Status), "the job to end");
        }
        finally
        {
            Environment.SetEnvironmentVariable("Forge__LocalTrainingTest__Secret", null);
            Environment.SetEnvironmentVariable("ConnectionStrings__ForgeTest", null);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_SECRET", null);
        }

        var job = Path.Combine(_harness.WorkDirectory, "forge-test");
        File.ReadAllLines(args).Should().Equal(
            "--data", Path.Combine(job, "train.jsonl"), Path.Combine(job, "output"), model, Path.Combine(job, "hyperparameters.json"), "forge-test");
        File.ReadAllBytes(Path.Combine(job, "train.jsonl")).Should().Equal(TrainingBytes);
        JsonNode.Parse(File.ReadAllText(Path.Combine(job, "hyperparameters.json")))!["n_epochs"]!.GetValue<int>().Should().Be(3);
        var variables = File.ReadAllLines(env);
        variables.Should().Contain([
            $"FORGE_BASE_MODEL={model}",
            $"FORGE_HYPERPARAMETERS_FILE={Path.Combine(job, "hyperparameters.json")}",
            $"FORGE_JOB_ID={submission.JobId}",
            "FORGE_JOB_NAME=forge-test",
            "FORGE_METHOD=sft",
            $"FORGE_OUTPUT_DIR={Path.Combine(job, "output")}",
            $"FORGE_TRAINING_FILE={Path.Combine(job, "train.jsonl")}",
        ]);
        variables.Should().Contain(v => v.StartsWith("FORGE_HYPERPARAMETERS={", StringComparison.Ordinal) && v.Contains("\"learning_rate\":0.0002"));
        variables.Should().NotContain(v => v.Contains("must-not-leak"), "Forge's settings, connection strings and Azure secrets stay out of the training's environment");
        variables.Should().Contain(v => v.StartsWith("PATH=", StringComparison.Ordinal), "the command still finds its tools");
    }

    public void Dispose() => _harness.Dispose();
}
