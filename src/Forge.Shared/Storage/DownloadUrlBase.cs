using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace Forge.Shared.Storage;

/// <summary>
/// Where Forge-served download URLs point. A configured public base URL wins; otherwise the current request's
/// scheme, host and path base (after the forwarded-headers middleware has applied a trusted proxy's
/// X-Forwarded-Proto/Host), so a client gets a URL on the address it called, whatever port Forge listens on.
/// Outside a request (background work) it is Forge's own first listening address, which only a process on this
/// machine or network can reach: work whose URLs leave the machine needs the public base URL configured.
/// </summary>
public sealed class DownloadUrlBase(Uri? configured, IHttpContextAccessor? requests, IServer? server)
{
    /// <summary>What WebApplicationFactory's clients call, when there is neither a request nor a listening address.</summary>
    private static readonly Uri Fallback = new("http://localhost");

    public Uri Current => configured ?? FromRequest() ?? FromServer() ?? Fallback;

    private Uri? FromRequest()
    {
        var request = requests?.HttpContext?.Request;
        if (request is null || !request.Host.HasValue)
        {
            return null;
        }
        return Uri.TryCreate($"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}", UriKind.Absolute, out var url) ? url : null;
    }

    private Uri? FromServer()
    {
        var address = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal),
                UriKind.Absolute, out var url))
        {
            return null;
        }
        // Bound to every interface: loopback is the one address sure to reach it from this machine.
        return url.Host is "0.0.0.0" or "[::]" ? new UriBuilder(url) { Host = "localhost" }.Uri : url;
    }
}
