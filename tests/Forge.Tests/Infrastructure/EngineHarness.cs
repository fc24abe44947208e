using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Tests.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// A real engine against a real database (SQLite file or PostgreSQL), with workers started and stopped
/// by the test. Each in-process worker gets its own host, as a separate process would.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly List<IHost> _workers = [];
    private readonly string? _tempDir;

    private readonly Action<IServiceCollection>? _configure;

    private EngineHarness(DatabaseProvider provider, Dictionary<string, string?> settings, string? tempDir, Action<IServiceCollection>? configure)
    {
        Provider = provider;
        Settings = settings;
        _tempDir = tempDir;
        _configure = configure;
        Services = BuildServices(settings, role: "api", configure);
    }

    public DatabaseProvider Provider { get; }
    public Dictionary<string, string?> Settings { get; }
    /// <summary>An API-role host: the engine client and the database, no workers.</summary>
    public ServiceProvider Services { get; }

    public static async Task<EngineHarness> CreateAsync(DatabaseProvider provider, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Forge:Engine:LeaseSeconds"] = "30",
            ["Forge:Engine:PollIntervalMs"] = "200",
            ["Forge:Engine:Concurrency"] = "8",
            ["Forge:Engine:Retry:MaxAttempts"] = "4",
            ["Forge:Engine:Retry:InitialDelayMs"] = "50",
            ["Forge:Engine:Retry:MaxDelayMs"] = "200",
        };
        string? tempDir = null;
        if (provider == DatabaseProvider.Postgres)
        {
            settings["Forge:Database"] = "postgres";
            settings["ConnectionStrings:Forge"] = await PostgresServer.CreateDatabaseAsync("forge_engine");
        }
        else
        {
            tempDir = Directory.CreateTempSubdirectory("forge-engine-").FullName;
            settings["Forge:Database"] = "sqlite";
            settings["Forge:DataPath"] = tempDir;
        }
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var harness = new EngineHarness(provider, settings, tempDir, configure);
        await harness.Services.MigrateForgeDatabaseAsync();
        await using var scope = harness.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForgeDbContext>();
        await db.Database.ExecuteSqlRawAsync(TestActivities.EffectsTable);
        return harness;
    }

    /// <summary>The command-line arguments that point a worker process at the same database.</summary>
    public IEnumerable<string> WorkerArguments(string workerId, IDictionary<string, string?>? overrides = null)
    {
        var all = new Dictionary<string, string?>(Settings) { ["Forge:Engine:WorkerId"] = workerId, ["Forge:Role"] = "worker" };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        return all.Select(kv => $"--{kv.Key}={kv.Value}");
    }

    public async Task<IHost> StartWorkerAsync(string workerId, IDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Forge:Engine:WorkerId"] = workerId, ["Forge:Role"] = "worker" });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (Environment.GetEnvironmentVariable("FORGE_TEST_LOGS") == "1")
        {
            builder.Logging.AddConsole();
        }
        builder.Services.AddForgeData(builder.Configuration);
        builder.Services.AddForgeEngine(builder.Configuration);
        builder.Services.AddTestActivities();
        _configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        _workers.Add(host);
        return host;
    }

    public async Task<T> WithDbAsync<T>(Func<ForgeDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ForgeDbContext>());
    }

    public async Task<EngineRun> StartRunAsync(string activity, object? input, string type = "test.run")
    {
        await using var scope = Services.CreateAsyncScope();
        var engine = scope.ServiceProvider.GetRequiredService<DurableEngine>();
        return await engine.StartAsync(type, "test:subject", activity, input);
    }

    public async Task<bool> CancelAsync(Guid runId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DurableEngine>().CancelAsync(runId);
    }

    public Task<EngineRun> GetRunAsync(Guid runId) =>
        WithDbAsync(db => db.EngineRuns.AsNoTracking().SingleAsync(r => r.Id == runId));

    /// <summary>Waits until the run has ended (or the deadline passes, which fails the test).</summary>
    public async Task<EngineRun> WaitForEndAsync(Guid runId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var run = await GetRunAsync(runId);
            if (RunStatus.IsTerminal(run.Status))
            {
                return run;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Run {runId} still '{run.Status}' (outstanding {run.Outstanding}) after {timeout ?? TimeSpan.FromSeconds(60)}");
            }
            await Task.Delay(50);
        }
    }

    public Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Poll.UntilAsync(condition, done => done, what, timeout);

    public Task<List<EffectRow>> EffectsAsync() => WithDbAsync(db =>
        db.Database.SqlQueryRaw<EffectRow>("SELECT effect_key AS \"Key\", worker AS \"Worker\", attempt AS \"Attempt\" FROM test_effects").ToListAsync());

    public Task<List<EngineWorkItem>> ItemsAsync(Guid runId) => WithDbAsync(db =>
        db.EngineWorkItems.AsNoTracking().Where(w => w.RunId == runId).ToListAsync());

    public async Task StopWorkersAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.StopAsync();
            worker.Dispose();
        }
        _workers.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopWorkersAsync();
        await Services.DisposeAsync();
        if (_tempDir is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_tempDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static ServiceProvider BuildServices(Dictionary<string, string?> settings, string role, Action<IServiceCollection>? configure)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Forge:Role"] = role }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddForgeData(configuration);
        services.AddForgeEngine(configuration);
        services.AddTestActivities();
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }
}

public sealed class EffectRow
{
    public string Key { get; set; } = "";
    public string Worker { get; set; } = "";
    public int Attempt { get; set; }
}
