using System.ComponentModel.DataAnnotations;
using Forge.Functions.Hosting;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Hosting;

public sealed class TrustedProxiesTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10.0.0.0/8")]
    [InlineData("10.0.0.0/8, 192.0.2.10;2001:db8::/32 ::ffff:10.1.2.3")]
    public void AddressesAndNetworksAreAccepted(string? setting)
    {
        var options = new HttpOptions { TrustedProxies = setting };

        options.Validate(new ValidationContext(options)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("proxy.internal")]
    [InlineData("10.0.0.0/40")]
    [InlineData("10.0.0.1, 300.1.1.1")]
    public void AnythingElseIsNamedInTheError(string setting)
    {
        var options = new HttpOptions { TrustedProxies = setting };

        var errors = options.Validate(new ValidationContext(options)).ToList();

        errors.Should().ContainSingle().Which.ErrorMessage.Should().Contain("Forge:Http:TrustedProxies").And.Contain("neither an IP address nor a CIDR network");
    }

    [Fact]
    public void HostWithAnUnreadableTrustedProxyDoesNotStart()
    {
        using var factory = new ForgeApiFactory().WithSetting("Forge:Http:TrustedProxies", "10.0.0.0/8, proxy.internal");

        FluentActions.Invoking(() => factory.CreateClient()).Should().Throw<Exception>()
            .Where(e => e.ToString().Contains("Forge:Http:TrustedProxies holds 'proxy.internal'"));
    }
}
