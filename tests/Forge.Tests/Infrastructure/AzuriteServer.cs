using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Forge.Shared.Storage.Azure;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// One whole Azurite (blob, queue and table: the Durable Task backend needs all three) from the repo's pinned
/// npm package, on free ports, for the whole test process; killed with SIGKILL when the process exits since
/// Azurite ignores SIGTERM. Tests isolate themselves by task hub name and container. When it cannot start,
/// the tests fail with the reason: the durable backend and the Azure adapter are never skipped.
/// </summary>
public sealed class AzuriteServer
{
    // Synchronous on purpose: the module initializer starts it, and while a module initializer runs, no other
    // thread may run this assembly's code, so an await continuation here would deadlock the test process.
    private static readonly Lazy<AzuriteServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly StringBuilder _output = new();

    private AzuriteServer(int blobPort, int queuePort, int tablePort)
    {
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    /// <summary>Azurite's node process, for benchmarks that read its CPU time.</summary>
    public int ProcessId { get; private set; }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AzureStorageAccount.DevelopmentAccountName};" +
        $"AccountKey={AzureStorageAccount.DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AzureStorageAccount.DevelopmentAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AzureStorageAccount.DevelopmentAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AzureStorageAccount.DevelopmentAccountName};";

    public static Task<AzuriteServer> StartedAsync() => Task.FromResult(Shared.Value);

    public static string SharedConnectionString => Shared.Value.ConnectionString;

    private static AzuriteServer Start()
    {
        var root = RepoPaths.Root;
        var azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            RunNpmCi(root);
        }
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite} even after 'npm ci' in {root}.");
        }

        var location = Path.Combine(Path.GetTempPath(), $"forge-azurite-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(location);
        var server = new AzuriteServer(FreePort(), FreePort(), FreePort());
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
        server.ProcessId = process.Id;
        // Azurite runs --silent; its few lines are drained on the pool so its pipes never fill.
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
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
            server.WaitUntilListening(process, port);
        }
        return server;
    }

    private void WaitUntilListening(Process process, int port)
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
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(200);
            }
        }
        throw new TimeoutException($"Azurite did not listen on port {port} within 60 s:\n{Output()}");
    }

    private static void RunNpmCi(string root)
    {
        var npm = new ProcessStartInfo("npm") { WorkingDirectory = root, UseShellExecute = false };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            npm.ArgumentList.Add(argument);
        }
        using var process = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm to install Azurite.");
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' in {root} failed or timed out; run it there to see why.");
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
