using System.Security.Cryptography;
using System.Text;
using System.Web;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Forge.Shared.Storage.Azure;

/// <summary>
/// Signs each request (each retry too, since x-ms-date changes) with the Blob service's SharedKey scheme:
/// https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
/// </summary>
public sealed class SharedKeyPolicy(AzureStorageAccount account, string serviceVersion, TimeProvider timeProvider) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", timeProvider.GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.SetValue("x-ms-version", serviceVersion);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(account.Key, Encoding.UTF8.GetBytes(StringToSign(request))));
        request.Headers.SetValue("Authorization", $"SharedKey {account.Name}:{signature}");
    }

    internal string StringToSign(Request request)
    {
        long contentLength = 0;
        if (request.Content is not null && !request.Content.TryComputeLength(out contentLength))
        {
            throw new InvalidOperationException("SharedKey signing needs a request body of known length.");
        }
        var text = new StringBuilder()
            .Append(request.Method.Method.ToUpperInvariant()).Append('\n')
            .Append(Header(request, "Content-Encoding")).Append('\n')
            .Append(Header(request, "Content-Language")).Append('\n')
            .Append(contentLength == 0 ? "" : contentLength.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n')
            .Append(Header(request, "Content-MD5")).Append('\n')
            .Append(Header(request, "Content-Type")).Append('\n')
            .Append('\n') // Date: x-ms-date is sent instead.
            .Append(Header(request, "If-Modified-Since")).Append('\n')
            .Append(Header(request, "If-Match")).Append('\n')
            .Append(Header(request, "If-None-Match")).Append('\n')
            .Append(Header(request, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request, "Range")).Append('\n');

        foreach (var header in request.Headers
                     .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(h => (Name: h.Name.ToLowerInvariant(), h.Value))
                     .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            text.Append(header.Name).Append(':').Append(header.Value.Trim()).Append('\n');
        }

        var uri = request.Uri.ToUri();
        text.Append('/').Append(account.Name).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        var query = HttpUtility.ParseQueryString(uri.Query);
        foreach (var name in query.AllKeys.Where(k => k is not null).Select(k => k!).OrderBy(k => k.ToLowerInvariant(), StringComparer.Ordinal))
        {
            text.Append('\n').Append(name.ToLowerInvariant()).Append(':').Append(string.Join(',', query.GetValues(name) ?? []));
        }
        return text.ToString();
    }

    private static string Header(Request request, string name) => request.Headers.TryGetValue(name, out var value) ? value : "";
}
