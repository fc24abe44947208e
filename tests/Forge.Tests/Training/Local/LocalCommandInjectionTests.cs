using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Forge.Shared.Training;
using Forge.Shared.Training.Local;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using static Forge.Tests.Training.Local.LocalTrainingHarness;

namespace Forge.Tests.Training.Local;

/// <summary>
/// Issue 10: a model registered with <c>base_model = $(id &gt; file)</c> ran as root once the configured command quoted
/// the placeholder. Values now reach the command as whole arguments and environment variables, never as shell text.
/// </summary>
public sealed class LocalCommandInjectionTests : IDisposable
{
    private readonly LocalTrainingHarness _harness = new();

    [Theory]
    [InlineData("$(touch {marker})")]
    [InlineData("`touch {marker}`")]
    [InlineData("llama'; touch {marker}; '")]
    [InlineData("llama\"; touch {marker}; \"")]
    [InlineData("-o{marker}")]
    public async Task ACraftedBaseModelIsRefusedBeforeAnythingIsWrittenOrRun(string payload)
    {
        // A model registered before base_model was checked at the API still has it in the database.
        var marker = _harness.FileIn("pwned");
        var args = _harness.FileIn("args");
        var provider = _harness.Provider(_harness.Script($"printf '%s\\n' \"$@\" > {LocalPath(args)}") + " {base_model}");

        var submit = () => provider.SubmitAsync(Submission(baseModel: payload.Replace("{marker}", marker, StringComparison.Ordinal)), CancellationToken.None);

        (await submit.Should().ThrowAsync<PermanentActivityException>()).WithMessage("*base_model*");
        File.Exists(marker).Should().BeFalse();
        File.Exists(args).Should().BeFalse("the command never ran");
        Directory.Exists(Path.Combine(_harness.WorkDirectory, "forge-test")).Should().BeFalse("nothing was written for the job");
    }

    [Fact]
    public async Task ShellSyntaxInPathsAndHyperparametersReachesTheCommandAsPlainText()
    {
        // The values the provider does not restrict to an id's characters: the configured folder and hyperparameter values.
        var marker = _harness.FileIn("pwned");
        var payload = $"$(touch {marker}) `touch {marker}` '; touch {marker}; ' \"; touch {marker}; \"";
        var workDirectory = Path.Combine(_harness.Root, $"jobs {payload}");
        var args = _harness.FileIn("args");
        var environment = _harness.FileIn("hyperparameters");
        var script = _harness.Script($$"""
            printf '%s\n' "$@" > {{LocalPath(args)}}
            printf '%s' "$FORGE_HYPERPARAMETERS" > {{LocalPath(environment)}}
            """);
        var provider = _harness.Provider(script + " {data} {output} {hyperparameters_file}", workDirectory: workDirectory);

        var handle = await _harness.SubmitAsync(provider, Submission(hyperparameters: new JsonObject { ["note"] = payload }));
        var (_, polls) = await PollUntilAsync(provider, handle, s => TrainingState.IsTerminal(s.Status), "the job to end");

        polls[^1].Status.Should().Be(TrainingState.Succeeded, polls[^1].Error);
        var job = Path.Combine(workDirectory, "forge-test");
        File.ReadAllLines(args).Should().Equal(Path.Combine(job, "train.jsonl"), Path.Combine(job, "output"), Path.Combine(job, "hyperparameters.json"));
        JsonNode.Parse(File.ReadAllText(environment))!["note"]!.GetValue<string>().Should().Be(payload);
        File.Exists(marker).Should().BeFalse("no value was read by a shell");
        Directory.EnumerateFiles(_harness.Root, "pwned*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Theory]
    [InlineData("python3 /opt/train.py --model '{base_model}'", "puts {base_model} inside quotes")]
    [InlineData("python3 /opt/train.py --model \"{base_model}\"", "puts {base_model} inside quotes")]
    [InlineData("python3 /opt/train.py --data={data}", "has {data} inside the word '--data={data}'")]
    [InlineData("docker run -v {data}:/data/train.jsonl:ro img", "has {data} inside the word")]
    [InlineData("python3 train.py {data} > /tmp/log", "unquoted '>'")]
    [InlineData("python3 train.py --model $FORGE_BASE_MODEL", "unquoted '$'")]
    [InlineData("cd /opt && python3 train.py", "unquoted '&'")]
    [InlineData("STEP_SECONDS=1 sh train.sh", "write env STEP_SECONDS=1")]
    [InlineData("{base_model} --data {data}", "starts with {base_model}")]
    [InlineData("python3 'train.py", "unterminated ' quote")]
    public void ACommandThatIsShellTextOrQuotesAPlaceholderIsRefusedAtStartUp(string command, string reason)
    {
        var result = new LocalTrainingOptionsValidator().Validate(null, new LocalTrainingOptions { Command = command });

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Forge:Training:Local:Command").And.Contain(reason);
    }

    [Fact]
    public void HostRefusesToStartWithAQuotedPlaceholderInTheCommand()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("Forge:DataPath", Path.Combine(_harness.Root, "data"))
            .UseSetting("Forge:Training:Local:Command", "python3 /opt/train.py --model '{base_model}'"));

        var start = () => factory.CreateClient();

        start.Should().Throw<OptionsValidationException>().Which.Message.Should()
            .Contain("Forge:Training:Local:Command puts {base_model} inside quotes");
    }

    [Theory]
    [InlineData("python3 /opt/train.py --data {data} --out {output} --model {base_model}")]
    [InlineData("sh -c 'python3 /opt/train.py --model \"$FORGE_BASE_MODEL\" > /tmp/log' forge")]
    [InlineData("env STEP_SECONDS=1 sh '/opt/my trainer/train.sh' {hyperparameters_file} {job_name}")]
    [InlineData("docker run --rm --gpus all -e FORGE_BASE_MODEL -v /srv/forge:/srv/forge img {data}")]
    public void AnArgvCommandWithWholeWordPlaceholdersIsAccepted(string command)
    {
        new LocalTrainingOptionsValidator().Validate(null, new LocalTrainingOptions { Command = command }).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void QuotedWordsAreOneArgumentAndPlaceholdersAreReplacedWhole()
    {
        var (command, errors) = LocalCommand.Parse("""sh -c 'echo "$1" | wc -c' "forge \"x\"" {base_model} plain\ word""");

        errors.Should().BeEmpty();
        command!.Arguments(new Dictionary<string, string> { ["{base_model}"] = "a b;c" })
            .Should().Equal("sh", "-c", "echo \"$1\" | wc -c", "forge \"x\"", "a b;c", "plain word");
    }

    public void Dispose() => _harness.Dispose();
}
