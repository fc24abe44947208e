using Forge.Shared;
using Forge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Forge.Tests.Hosting;

public sealed class RoleSpellingTests
{
    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" worker ")]
    public void RoleThatForgeRoleReadsAsWorkerOrAllHostsTheDurableWorker(string role)
    {
        using var factory = new ForgeApiFactory().WithSetting("Forge:Role", role);

        factory.Services.GetServices<IHostedService>().Select(s => s.GetType()).Should().Contain(typeof(Forge.Shared.Durable.DtfxDurableTaskWorker));
    }
}
