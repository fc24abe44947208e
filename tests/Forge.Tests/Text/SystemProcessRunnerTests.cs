using Forge.Shared.Text.Extraction;

namespace Forge.Tests.Text;

public sealed class SystemProcessRunnerTests
{
    [Fact]
    public async Task OutputAndExitCodeAreReturned()
    {
        var result = await new SystemProcessRunner().RunAsync("sh", ["-c", "printf 'ação'; echo erro >&2; exit 3"], TimeSpan.FromSeconds(10), CancellationToken.None);

        result.Should().Be(new ProcessResult(3, "ação", "erro\n"));
    }

    [Fact]
    public async Task MissingProgramIsReported()
    {
        var act = () => new SystemProcessRunner().RunAsync("forge-no-such-program", [], TimeSpan.FromSeconds(10), CancellationToken.None);

        (await act.Should().ThrowAsync<ProgramNotFoundException>()).Which.Program.Should().Be("forge-no-such-program");
    }

    [Fact]
    public async Task SlowProgramIsStoppedAtTheTimeout()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var act = () => new SystemProcessRunner().RunAsync("sleep", ["30"], TimeSpan.FromMilliseconds(300), CancellationToken.None);

        await act.Should().ThrowAsync<TimeoutException>();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task EndlessOutputIsCapped()
    {
        var act = () => new SystemProcessRunner(maxOutputChars: 100_000).RunAsync("yes", [], TimeSpan.FromSeconds(20), CancellationToken.None);

        await act.Should().ThrowAsync<ProcessOutputTooLargeException>();
    }
}
