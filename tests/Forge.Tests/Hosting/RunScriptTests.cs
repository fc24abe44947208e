using Forge.Tests.Infrastructure;
using System.Net;

namespace Forge.Tests.Hosting;

/// <summary>
/// A newcomer's first command, for real: two <c>scripts/run.sh</c> side by side, each with its own data folder,
/// each starting its own whole Azurite under that folder and stopping it when the script is stopped.
/// </summary>
public sealed class RunScriptTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private static string NewDataPath() => Path.Combine(Path.GetTempPath(), "forge-run-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TwoRunsSideBySideEachGetTheirOwnAzuriteUnderTheirDataFolderAndStopItWhenStopped()
    {
        await using var first = RunScriptProcess.Start(NewDataPath());
        await using var second = RunScriptProcess.Start(NewDataPath());

        await Task.WhenAll(first.WaitUntilHealthyAsync(StartTimeout), second.WaitUntilHealthyAsync(StartTimeout));

        foreach (var run in new[] { first, second })
        {
            var location = Path.Combine(run.DataPath, "azurite");
            File.Exists(Path.Combine(location, "__azurite_db_blob__.json")).Should().BeTrue($"Azurite keeps its data in {location}:\n{run.Output}");
            File.Exists(Path.Combine(location, "__azurite_db_queue__.json")).Should().BeTrue($"the queue service runs too:\n{run.Output}");
            RunScriptProcess.CommandLineOf(run.AzuritePid).Should().Contain($"--location {location} ");
            run.AzuritePorts.Should().OnlyContain(p => RunScriptProcess.IsListening(p), run.Output);
        }
        first.AzuritePid.Should().NotBe(second.AzuritePid);
        first.AzuritePorts.Should().NotIntersectWith(second.AzuritePorts);

        // The verb starts no Azurite and signs with the key of the data folder the running server uses.
        await using (var verb = RunScriptProcess.Start(first.DataPath, "token", "--user", "alice"))
        {
            (await verb.WaitForExitAsync(StopTimeout)).Should().Be(0, verb.Output);
            verb.StartedAzurite.Should().BeFalse(verb.Output);
            using var client = new HttpClient { BaseAddress = first.Url };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", verb.Output.Trim().Split('\n')[^1].Trim());
            (await client.GetAsync("/api/v1/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK, verb.Output);
        }

        // SIGTERM as a service manager stops it; SIGINT as Ctrl-C does.
        var termExit = await first.StopAsync("TERM", StopTimeout);
        AssertStopped(first);
        (await HealthAsync(second)).Should().Be(HttpStatusCode.OK, "stopping one run leaves the other alone:\n" + second.Output);
        var intExit = await second.StopAsync("INT", StopTimeout);
        AssertStopped(second);

        termExit.Should().Be(143, first.Output);
        intExit.Should().Be(130, second.Output);
    }

    [Fact]
    public async Task ARunGivenAzureWebJobsStorageStartsNoAzurite()
    {
        // Storage the user already has (here the tests' own Azurite): the script starts none and Forge's task hub lives there.
        var storage = (await AzuriteServer.StartedAsync()).ConnectionString;
        await using var run = RunScriptProcess.StartWithStorage(NewDataPath(), storage);

        await run.WaitUntilHealthyAsync(StartTimeout, expectAzurite: false);

        run.StartedAzurite.Should().BeFalse(run.Output);
        Directory.Exists(Path.Combine(run.DataPath, "azurite")).Should().BeFalse(run.Output);
        (await run.StopAsync("TERM", StopTimeout)).Should().Be(143, run.Output);
        RunScriptProcess.IsListening(run.Url.Port).Should().BeFalse(run.Output);
    }

    private static void AssertStopped(RunScriptProcess run)
    {
        RunScriptProcess.IsRunning(run.AzuritePid).Should().BeFalse($"Azurite (pid {run.AzuritePid}) must stop with the script:\n{run.Output}");
        run.AzuritePorts.Should().NotContain(p => RunScriptProcess.IsListening(p), run.Output);
        RunScriptProcess.IsListening(run.Url.Port).Should().BeFalse($"Forge must stop with the script:\n{run.Output}");
    }

    private static async Task<HttpStatusCode> HealthAsync(RunScriptProcess run)
    {
        using var client = new HttpClient { BaseAddress = run.Url, Timeout = TimeSpan.FromSeconds(10) };
        return (await client.GetAsync("/health")).StatusCode;
    }
}
