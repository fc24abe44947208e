using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Hosting;

/// <summary>
/// Which proxies' X-Forwarded-For/Proto/Host Forge believes (<c>Forge:Http:TrustedProxies</c>): loopback always
/// (a proxy on the same machine), plus the listed addresses and CIDR networks. From anyone else the headers are
/// ignored, so a client cannot make Forge sign download URLs for a host of its choosing behind a real proxy.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddForgeForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HttpOptions>>((forwarded, http) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The defaults already hold loopback (127.0.0.0/8 and ::1); configured entries come on top.
            foreach (var entry in Entries(http.Value.TrustedProxies))
            {
                if (entry.Contains('/', StringComparison.Ordinal))
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
                }
                else
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(entry));
                }
            }
        });
        return services;
    }

    /// <summary>The entries that are neither an IP address nor a CIDR network, for the options' validation.</summary>
    public static IEnumerable<string> Invalid(string? setting) =>
        Entries(setting).Where(e => e.Contains('/', StringComparison.Ordinal) ? !System.Net.IPNetwork.TryParse(e, out _) : !IPAddress.TryParse(e, out _));

    private static IEnumerable<string> Entries(string? setting) =>
        (setting ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
