using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Hosting;

/// <summary>Runs the built Forge.Functions.dll as a child process, as a developer would.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string workingDirectory = Directory.CreateTempSubdirectory("forge-cli-").FullName;

    [Fact]
    public async Task TokenVerbPrintsExactlyOneJwtLineTheServerAccepts()
    {
        using var factory = new ForgeApiFactory();
        var result = await RunCli(factory.DataPath, "token", "--user", "alice", "--hours", "2");

        result.ExitCode.Should().Be(0, result.StdErr);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        lines.Should().ContainSingle().Which.Should().MatchRegex(@"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$");

        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", lines[0]);
        var response = await client.GetAsync("/api/v1/auth/me");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"user_id\":\"alice\"");
    }

    [Fact]
    public async Task ApiKeyVerbsCreateListAndRevokeAKeyTheServerHonours()
    {
        using var factory = new ForgeApiFactory();
        var created = await RunCli(factory.DataPath, "apikey", "create", "--user", "frank", "--name", "ci");
        created.ExitCode.Should().Be(0, created.StdErr);
        var key = created.StdOut.Trim();
        key.Should().StartWith("fk_").And.NotContain("\n");

        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        (await client.GetAsync("/api/v1/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        var listed = await RunCli(factory.DataPath, "apikey", "list", "--user", "frank");
        listed.StdOut.Should().Contain("\tci\t").And.NotContain(key);
        var id = listed.StdOut.Split('\n')[1].Split('\t')[0];

        (await RunCli(factory.DataPath, "apikey", "revoke", "--id", id)).ExitCode.Should().Be(0);
        (await client.GetAsync("/api/v1/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokenVerbWithoutUserFailsWithoutPrintingAToken()
    {
        var result = await RunCli(Path.Combine(workingDirectory, "data"), "token");

        result.ExitCode.Should().NotBe(0);
        result.StdOut.Should().NotMatchRegex(@"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+");
    }

    private async Task<CliResult> RunCli(string dataPath, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Forge__DataPath"] = dataPath;
        start.Environment.Remove("Forge__Auth__SigningKey");
        start.Environment.Remove("Forge__Auth__Authority");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files do not affect other tests.
        }
    }

    private sealed record CliResult(int ExitCode, string StdOut, string StdErr);
}
