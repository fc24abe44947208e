using Forge.Shared.Durable;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Forge.Tests.Hosting;

/// <summary><c>--role api|worker|all</c> decides whether the process runs the Durable Task worker and the reconciler.</summary>
public sealed class RoleTests
{
    [Fact]
    public void ApiRoleHostsNoDurableWorkerNorReconciler()
    {
        using var factory = new ForgeApiFactory().WithSetting("Forge:Role", "api");

        HostedServiceTypes(factory).Should().NotContain(typeof(DtfxDurableTaskWorker)).And.NotContain(typeof(DurableReconcilerService));
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("all")]
    public void WorkerAndAllRolesHostOneDurableWorkerAndOneReconciler(string role)
    {
        using var factory = new ForgeApiFactory().WithSetting("Forge:Role", role);

        HostedServiceTypes(factory).Should().ContainSingle(t => t == typeof(DtfxDurableTaskWorker));
        HostedServiceTypes(factory).Should().ContainSingle(t => t == typeof(DurableReconcilerService));
    }

    [Fact]
    public void DefaultRoleHostsTheDurableWorker()
    {
        using var factory = new ForgeApiFactory();

        HostedServiceTypes(factory).Should().ContainSingle(t => t == typeof(DtfxDurableTaskWorker));
    }

    [Fact]
    public void ApiRoleOnPostgresHostsNoDurableWorker()
    {
        using var factory = new PostgresForgeApiFactory().WithSetting("Forge:Role", "api");

        HostedServiceTypes(factory).Should().NotContain(typeof(DtfxDurableTaskWorker));
    }

    private static List<Type> HostedServiceTypes(ForgeApiFactory factory) =>
        factory.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
}
