using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Forge.Shared.Storage.Azure;

namespace Forge.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>
/// Runs the repo's pinned Azurite (package.json) on a free port for the tests' lifetime. When it cannot start,
/// the tests fail with the reason: the Azure adapter is part of the product and is never skipped.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly StringBuilder _output = new();
    private readonly string _location = Path.Combine(Path.GetTempPath(), $"forge-azurite-{Guid.NewGuid():N}");
    private Process? _process;

    public int Port { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AzureStorageAccount.DevelopmentAccountName};" +
        $"AccountKey={AzureStorageAccount.DevelopmentAccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AzureStorageAccount.DevelopmentAccountName};";

    public async Task InitializeAsync()
    {
        var root = FindRepoRoot();
        var azurite = Path.Combine(root, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite-blob.cmd" : "azurite-blob");
        if (!File.Exists(azurite))
        {
            await RunNpmCiAsync(root);
        }
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite} even after 'npm ci' in {root}.");
        }

        Directory.CreateDirectory(_location);
        Port = FreePort();
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = _location,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", _location, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {azurite}.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilListeningAsync();
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (Directory.Exists(_location))
        {
            Directory.Delete(_location, recursive: true);
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before listening on port {Port}:\n{Output()}");
            }
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
        throw new TimeoutException($"Azurite did not listen on port {Port} within 60 s:\n{Output()}");
    }

    private static async Task RunNpmCiAsync(string root)
    {
        var npm = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            npm.ArgumentList.Add(argument);
        }
        using var process = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm to install Azurite.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' in {root} failed with code {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Forge.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Forge.sln above {AppContext.BaseDirectory}; cannot find the repo's package.json for Azurite.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}
