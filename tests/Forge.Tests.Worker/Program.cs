using Forge.Shared.Data;
using Forge.Shared.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Forge.Tests.Worker;

/// <summary>
/// Usage: dotnet Forge.Tests.Worker.dll --Forge:Database=postgres --ConnectionStrings:Forge=... --Forge:Engine:WorkerId=w1
/// </summary>
public static class WorkerProgram
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddForgeData(builder.Configuration);
        builder.Services.AddForgeEngine(builder.Configuration);
        builder.Services.AddTestActivities();
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("worker-ready");
        await host.WaitForShutdownAsync();
    }
}
