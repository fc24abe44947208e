using Forge.Shared.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Forge.Tests.Storage;

/// <summary>Where signed URLs point outside a request (background work): the configured base, else Forge's own listening address.</summary>
public sealed class DownloadUrlBaseTests
{
    /// <summary>Only what <see cref="DownloadUrlBase"/> reads of a server: the addresses it listens on.</summary>
    private sealed class ListeningServer(params string[] addresses) : IServer
    {
        public IFeatureCollection Features { get; } = Collection(addresses);

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }

        private static FeatureCollection Collection(string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }
            var features = new FeatureCollection();
            features.Set<IServerAddressesFeature>(feature);
            return features;
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8001", "http://127.0.0.1:8001/")]
    [InlineData("http://[::]:8123", "http://localhost:8123/")]
    [InlineData("http://0.0.0.0:8124", "http://localhost:8124/")]
    [InlineData("http://+:8125", "http://localhost:8125/")]
    public void OutsideARequestItIsForgesFirstListeningAddress(string listening, string expected)
    {
        var origin = new DownloadUrlBase(null, new HttpContextAccessor(), new ListeningServer(listening, "http://127.0.0.1:9"));

        origin.Current.AbsoluteUri.Should().Be(expected);
    }

    [Fact]
    public void AConfiguredBaseWinsOutsideARequestToo()
    {
        var origin = new DownloadUrlBase(new Uri("https://downloads.example.com/"), new HttpContextAccessor(), new ListeningServer("http://127.0.0.1:8001"));

        origin.Current.AbsoluteUri.Should().Be("https://downloads.example.com/");
    }

    [Fact]
    public void InsideARequestItIsTheRequestsSchemeHostAndPathBase()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("forge.example:9443");
        context.Request.PathBase = "/forge";
        var origin = new DownloadUrlBase(null, new HttpContextAccessor { HttpContext = context }, new ListeningServer("http://127.0.0.1:8001"));

        origin.Current.AbsoluteUri.Should().Be("https://forge.example:9443/forge");
    }
}
