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

        // SIGTERM as a service manager stops it; SIGINT as Ctrl-C does.
        var termExit = await first.StopAsync("TERM", StopTimeout);
        AssertStopped(first);
        (await HealthAsync(second)).Should().Be(HttpStatusCode.OK, "stopping one run leaves the other alone:\n" + second.Output);
        var intExit = await second.StopAsync("INT", StopTimeout);
        AssertStopped(second);

        termExit.Should().Be(143, first.Output);
        intExit.Should().Be(130, second.Output);
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
