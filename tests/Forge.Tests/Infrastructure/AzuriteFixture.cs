using System.Diagnostics;
using System.Globalization;
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

/// <summary>The shared <see cref="AzuriteServer"/> as an xunit fixture, for classes that take it by injection.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public int BlobPort { get; private set; }

    public async Task InitializeAsync()
    {
        var server = await AzuriteServer.StartedAsync();
        ConnectionString = server.ConnectionString;
        BlobPort = server.BlobPort;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>
/// One whole Azurite (blob, queue and table: the Durable Task backend needs all three) from the repo's pinned
/// npm package, on free ports, for the whole test process; killed with SIGKILL when the process exits since
/// Azurite ignores SIGTERM. Tests isolate themselves by task hub name and container. When it cannot start,
/// the tests fail with the reason: the durable backend and the Azure adapter are never skipped.
/// </summary>
public sealed class AzuriteServer
{
    private static readonly Lazy<AzuriteServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly StringBuilder _output = new();

    private AzuriteServer(int blobPort, int queuePort, int tablePort)
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

    public static Task<AzuriteServer> StartedAsync() => Task.FromResult(Shared.Value);

    /// <summary>The shared server's connection string, for code that is not async.</summary>
    public static string SharedConnectionString => Shared.Value.ConnectionString;

    /// <summary>
    /// Synchronous on purpose: the module initializer starts it, and while it runs no other thread may run code of
    /// this assembly (an async continuation would wait for the initializer, which waits for it: a deadlock).
    /// </summary>
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
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'npm ci' in {root} did not finish within 10 minutes.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' in {root} failed with code {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
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
