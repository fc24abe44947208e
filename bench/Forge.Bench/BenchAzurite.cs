using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Forge.Shared.Storage.Azure;
using Forge.Tests.Infrastructure;

namespace Forge.Bench;

/// <summary>
/// The benchmarks' Azurite, as the tests start theirs (a copy of tests/Forge.Tests' AzuriteServer, which lives beside
/// xunit fixtures): one whole Azurite (blob, queue and table: the Durable Task backend needs all three) from the
/// repo's pinned npm package, on free ports, for the whole bench process; killed with SIGKILL when the process exits
/// since Azurite ignores SIGTERM. Benchmarks isolate themselves by task hub name.
/// </summary>
public sealed class BenchAzurite
{
    private static readonly Lazy<Task<BenchAzurite>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly StringBuilder _output = new();

    private BenchAzurite(int blobPort, int queuePort, int tablePort)
    {
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AzureStorageAccount.DevelopmentAccountName};" +
        $"AccountKey={AzureStorageAccount.DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AzureStorageAccount.DevelopmentAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AzureStorageAccount.DevelopmentAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AzureStorageAccount.DevelopmentAccountName};";

    public static Task<BenchAzurite> StartedAsync() => Shared.Value;

    /// <summary>The shared server's connection string, for code that is not async.</summary>
    public static string SharedConnectionString => Shared.Value.GetAwaiter().GetResult().ConnectionString;

    private static async Task<BenchAzurite> StartAsync()
    {
        var root = RepoPaths.Root;
        var azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            await RunNpmCiAsync(root);
        }
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite} even after 'npm ci' in {root}.");
        }

        var location = Path.Combine(Path.GetTempPath(), $"forge-azurite-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(location);
        var server = new BenchAzurite(FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = location,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--blobHost", "127.0.0.1", "--blobPort", Invariant(server.BlobPort),
                     "--queueHost", "127.0.0.1", "--queuePort", Invariant(server.QueuePort),
                     "--tableHost", "127.0.0.1", "--tablePort", Invariant(server.TablePort),
                     "--location", location, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {azurite}.");
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
                Directory.Delete(location, recursive: true);
            }
            catch (Exception)
            {
                // Best effort at exit; the folder is under the temp directory.
            }
        };
        foreach (var port in new[] { server.BlobPort, server.QueuePort, server.TablePort })
        {
            await server.WaitUntilListeningAsync(process, port);
        }
        return server;
    }

    private async Task WaitUntilListeningAsync(Process process, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on port {port}:\n{Output()}");
            }
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
        throw new TimeoutException($"Azurite did not listen on port {port} within 60 s:\n{Output()}");
    }

    private static async Task RunNpmCiAsync(string root)
    {
        var npm = new ProcessStartInfo("npm")
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

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

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
