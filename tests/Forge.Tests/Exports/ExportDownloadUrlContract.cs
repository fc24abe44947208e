using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Forge.Tests.Exports;

/// <summary>
/// An export's signed download URL is on the address the client called (or a trusted proxy's forwarded one, or the
/// configured public base URL), never a fixed localhost:8000, and it downloads the file. On each database.
/// </summary>
public abstract class ExportDownloadUrlContract
{
    /// <summary>A fresh host per test: some tests need settings read at start.</summary>
    protected abstract ForgeApiFactory NewFactory();

    private static HttpClient ClientOn(ForgeApiFactory factory, string baseAddress)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress) });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", factory.IssueToken("alice"));
        return client;
    }

    /// <summary>A generated dataset exported once, through the API as a user would; returns the POST's answer.</summary>
    private static async Task<JsonElement> CompletedExportAsync(HttpClient client)
    {
        var scenario = await new DatasetScenario(client).WithProcessedDocumentAsync();
        var datasetId = await scenario.CreateDatasetAsync();
        await scenario.GenerateAsync(datasetId);
        return await DatasetScenario.Expect(await client.PostAsJsonAsync($"/api/v1/datasets/{datasetId}/export", new { format = "jsonl" }), HttpStatusCode.OK);
    }

    /// <summary><c>GET /download</c> sent straight into the pipeline, so the connection's remote address can be chosen.</summary>
    private static async Task<string> DownloadUrlFromAsync(ForgeApiFactory factory, Guid exportId, IPAddress remote, string host, Dictionary<string, string> headers)
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = remote;
            c.Request.Method = HttpMethods.Get;
            c.Request.Scheme = "http";
            c.Request.Host = new HostString(host);
            c.Request.Path = $"/api/v1/datasets/exports/{exportId}/download";
            c.Request.Headers.Authorization = $"Bearer {factory.IssueToken("alice")}";
            foreach (var (name, value) in headers)
            {
                c.Request.Headers[name] = value;
            }
        });
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        context.Response.StatusCode.Should().Be(StatusCodes.Status200OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("download_url").GetString()!;
    }

    private static Dictionary<string, string> Forwarded(string proto, string host) => new()
    {
        ["X-Forwarded-For"] = "198.51.100.20",
        ["X-Forwarded-Proto"] = proto,
        ["X-Forwarded-Host"] = host,
    };

    [Fact]
    public async Task ADownloadUrlIsOnTheHostTheClientCalledAndDownloadsTheFile()
    {
        using var factory = NewFactory();
        var client = ClientOn(factory, "https://forge.example:9443");

        var export = await CompletedExportAsync(client);
        var fresh = await DatasetScenario.Expect(await client.GetAsync($"/api/v1/datasets/exports/{export.GetProperty("id").GetGuid()}/download"), HttpStatusCode.OK);

        var urls = new[] { export.GetProperty("download_url").GetString()!, fresh.GetProperty("download_url").GetString()! };
        urls.Should().AllSatisfy(url => url.Should().StartWith("https://forge.example:9443/blobs/exports/"));
        foreach (var url in urls)
        {
            // Called at its own address, as a browser would: the whole URL, not only its path.
            var response = await factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(new Uri(url).GetLeftPart(UriPartial.Authority)) })
                .GetAsync(new Uri(url));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync())).Should().Be(export.GetProperty("file_sha256").GetString());
        }
    }

    [Fact]
    public async Task ForwardedProtoAndHostFromALoopbackProxyAreHonoured()
    {
        using var factory = NewFactory();
        var export = await CompletedExportAsync(ClientOn(factory, "http://localhost"));

        var url = await DownloadUrlFromAsync(factory, export.GetProperty("id").GetGuid(), IPAddress.Loopback, "127.0.0.1:5000", Forwarded("https", "public.example"));

        url.Should().StartWith("https://public.example/blobs/exports/");
    }

    [Fact]
    public async Task ForwardedHeadersFromAnUntrustedAddressAreIgnored()
    {
        using var factory = NewFactory();
        var export = await CompletedExportAsync(ClientOn(factory, "http://localhost"));

        var url = await DownloadUrlFromAsync(factory, export.GetProperty("id").GetGuid(), IPAddress.Parse("203.0.113.7"), "forge.internal:8080", Forwarded("https", "evil.example"));

        url.Should().StartWith("http://forge.internal:8080/blobs/exports/");
    }

    [Fact]
    public async Task AProxyInAConfiguredTrustedNetworkIsHonoured()
    {
        using var factory = NewFactory();
        factory.WithSetting("Forge:Http:TrustedProxies", "10.1.0.0/16, 192.0.2.10");
        var export = await CompletedExportAsync(ClientOn(factory, "http://localhost"));
        var exportId = export.GetProperty("id").GetGuid();

        var fromNetwork = await DownloadUrlFromAsync(factory, exportId, IPAddress.Parse("10.1.2.3"), "forge.internal:8080", Forwarded("https", "public.example"));
        var fromAddress = await DownloadUrlFromAsync(factory, exportId, IPAddress.Parse("192.0.2.10"), "forge.internal:8080", Forwarded("https", "other.example:8443"));
        var fromOutside = await DownloadUrlFromAsync(factory, exportId, IPAddress.Parse("10.2.0.1"), "forge.internal:8080", Forwarded("https", "evil.example"));

        fromNetwork.Should().StartWith("https://public.example/blobs/exports/");
        fromAddress.Should().StartWith("https://other.example:8443/blobs/exports/");
        fromOutside.Should().StartWith("http://forge.internal:8080/blobs/exports/");
    }

    [Fact]
    public async Task AConfiguredPublicBaseUrlWinsOverTheRequestAndItsProxy()
    {
        using var factory = NewFactory();
        factory.WithSetting("Forge:Storage:PublicBaseUrl", "https://downloads.example.com/forge/");
        var client = ClientOn(factory, "https://forge.example:9443");
        var export = await CompletedExportAsync(client);

        var forwarded = await DownloadUrlFromAsync(factory, export.GetProperty("id").GetGuid(), IPAddress.Loopback, "127.0.0.1:5000", Forwarded("https", "public.example"));

        var posted = export.GetProperty("download_url").GetString()!;
        posted.Should().StartWith("https://downloads.example.com/forge/blobs/exports/");
        forwarded.Should().StartWith("https://downloads.example.com/forge/blobs/exports/");
        // The proxy in front of that address strips /forge; what reaches Forge downloads the file.
        var response = await client.GetAsync(new Uri(posted).PathAndQuery["/forge".Length..]);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync())).Should().Be(export.GetProperty("file_sha256").GetString());
    }
}

public sealed class SqliteExportDownloadUrlTests : ExportDownloadUrlContract
{
    protected override ForgeApiFactory NewFactory() => new();
}

public sealed class PostgresExportDownloadUrlTests : ExportDownloadUrlContract
{
    protected override ForgeApiFactory NewFactory() => new PostgresForgeApiFactory();
}
