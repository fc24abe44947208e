using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// The hosting the fake providers share: Kestrel on 127.0.0.1 handing every request to one <see cref="RequestDelegate"/>,
/// over HTTPS when given a certificate. No test-framework dependencies: the generation benchmark links it too.
/// </summary>
public sealed class FakeHttpHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeHttpHost(WebApplication app, Uri address) => (this.app, Address) = (app, address);

    /// <summary>The bound address, <c>http(s)://127.0.0.1:PORT</c>.</summary>
    public Uri Address { get; }

    /// <param name="port">0 for any free port (tests); a fixed one for trying Forge by hand.</param>
    public static async Task<FakeHttpHost> StartAsync(RequestDelegate handler, int port = 0, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (certificate is null)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificate)));
        }
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeHttpHost(app, new Uri(address));
    }

    /// <summary>The address with <paramref name="path"/> after it, e.g. the <c>/v1</c> API root.</summary>
    public Uri Under(string path) => new(Address.ToString().TrimEnd('/') + path);

    public static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body, CancellationToken cancellationToken = default)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }
}
