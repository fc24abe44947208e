using Forge.Tests.Infrastructure;
using System.Diagnostics;
using Forge.Functions.Datasets;
using Forge.Functions.Documents;
using Forge.Shared;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Forge.Bench;

/// <summary>
/// A Forge worker host as Forge.Functions' Program.cs registers it (data, storage, engine, documents, datasets) over a
/// SQLite data folder, without the HTTP API; and the process-level figures the benchmarks report.
/// </summary>
public static class BenchHost
{
    /// <summary>
    /// Builds the host, migrates the database and, for the worker role, starts the engines: the Durable Task backend
    /// on the bench's Azurite in a task hub of its own, and (for the lifecycles not moved yet) the home-made one.
    /// </summary>
    public static async Task<IHost> StartAsync(string dataPath, string role, IDictionary<string, string?>? settings = null)
    {
        var azurite = await AzuriteServer.StartedAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dataPath });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Forge:Database"] = "sqlite",
            ["Forge:DataPath"] = dataPath,
            ["Forge:Role"] = role,
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            [$"{DurableTaskHubOptions.SectionName}:HubName"] = $"bench{Guid.NewGuid():N}"[..24],
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddForgeData(builder.Configuration);
        builder.Services.AddForgeStorage(builder.Configuration);
        builder.Services.AddForgeDurable(builder.Configuration);
        builder.Services.AddDocuments(ForgeRole.FromConfiguration(builder.Configuration));
        builder.Services.AddDatasets(builder.Configuration);
        var host = builder.Build();
        await host.Services.MigrateForgeDatabaseAsync();
        if (role == "worker")
        {
            await host.StartAsync();
        }
        else
        {
            // The task hub's queues and tables, which a started host's initializer would create, for scheduling.
            await host.Services.GetRequiredService<DurableTask.Core.IOrchestrationService>().CreateIfNotExistsAsync();
        }
        return host;
    }

    /// <summary>This process's peak resident set (VmHWM) or current one (VmRSS), in MB, from /proc/self/status.</summary>
    public static double ProcStatusMb(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]) / 1024.0;
    }

    /// <summary>The machine is shared: how busy it was, beside the figures.</summary>
    public static string LoadAverage() => $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}";

    /// <summary>Runs this bench again as a child process with <paramref name="args"/>; returns its standard output.</summary>
    public static async Task<string> RunChildAsync(params string[] args)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        var self = Environment.ProcessPath!;
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Started as `dotnet Forge.Bench.dll`: the child needs the assembly too.
            start.ArgumentList.Add(typeof(BenchHost).Assembly.Location);
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bench {string.Join(' ', args)} exited with {process.ExitCode}:\n{output}");
        }
        return output;
    }

    /// <summary>The value of <c>key=value</c> on the child's <c>RESULT</c> line.</summary>
    public static double ResultValue(string output, string key)
    {
        var line = output.Split('\n').Last(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        var pair = line.Split(' ').First(p => p.StartsWith(key + "=", StringComparison.Ordinal));
        return double.Parse(pair[(key.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<T> WithDbAsync<T>(IHost host, Func<ForgeDbContext, Task<T>> action)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ForgeDbContext>());
    }

    public static string NewDataPath(string name) => Directory.CreateTempSubdirectory($"forge-bench-{name}-").FullName;

    /// <summary>Releases SQLite's pooled handles, then removes the folder.</summary>
    public static void DeleteDataPath(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
