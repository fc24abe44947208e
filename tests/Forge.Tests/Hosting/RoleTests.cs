using Forge.Shared.Engine;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Forge.Tests.Hosting;

/// <summary><c>--role api|worker|all</c> decides whether the process runs the engine's workers.</summary>
public sealed class RoleTests
{
    [Fact]
    public void ApiRoleHostsNoEngineWorker()
    {
        using var factory = new ForgeApiFactory().WithSetting("Forge:Role", "api");

        HostedServiceTypes(factory).Should().NotContain(typeof(EngineWorker));
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("all")]
    public void WorkerAndAllRolesHostTheEngineWorker(string role)
    {
        using var factory = new ForgeApiFactory().WithSetting("Forge:Role", role);

        HostedServiceTypes(factory).Should().ContainSingle(t => t == typeof(EngineWorker));
    }

    [Fact]
    public void DefaultRoleHostsTheEngineWorker()
    {
        using var factory = new ForgeApiFactory();

        HostedServiceTypes(factory).Should().ContainSingle(t => t == typeof(EngineWorker));
    }

    [Fact]
    public void WorkerRoleOnPostgresAlsoListensForWakeNotifications()
    {
        using var factory = new PostgresForgeApiFactory().WithSetting("Forge:Role", "worker");

        HostedServiceTypes(factory).Should().Contain(typeof(EngineWorker)).And.Contain(typeof(PostgresWakeListener));
    }

    [Fact]
    public void ApiRoleOnPostgresHostsNeitherWorkerNorWakeListener()
    {
        using var factory = new PostgresForgeApiFactory().WithSetting("Forge:Role", "api");

        HostedServiceTypes(factory).Should().NotContain(typeof(EngineWorker)).And.NotContain(typeof(PostgresWakeListener));
    }

    [Fact]
    public void WorkerRoleOnSqliteHasNoWakeListener()
    {
        using var factory = new ForgeApiFactory().WithSetting("Forge:Role", "worker");

        HostedServiceTypes(factory).Should().NotContain(typeof(PostgresWakeListener));
    }

    private static List<Type> HostedServiceTypes(ForgeApiFactory factory) =>
        factory.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
}
