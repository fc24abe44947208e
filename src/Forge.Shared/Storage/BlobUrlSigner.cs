using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Forge.Shared.Storage;

public enum BlobSignatureCheck
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>
/// Signs and verifies Forge-served download URLs:
/// <c>{base}/blobs/{key}?expires={unix}[&amp;filename=...]&amp;sig={base64url HMAC-SHA256}</c>.
/// The signature covers key, expiry and filename, so none of them can be changed; not the host, so the same URL
/// works on every address Forge answers on (the base comes from <see cref="DownloadUrlBase"/>).
/// </summary>
public sealed class BlobUrlSigner(byte[] key, DownloadUrlBase baseUrl, TimeProvider timeProvider)
{
    public const string RoutePrefix = "blobs";

    public Uri CreateUrl(string blobKey, TimeSpan validFor, string? downloadFileName)
    {
        BlobKey.Validate(blobKey, nameof(blobKey));
        var expires = timeProvider.GetUtcNow().Add(validFor).ToUnixTimeSeconds();
        var query = new StringBuilder("?expires=").Append(expires.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(downloadFileName))
        {
            query.Append("&filename=").Append(Uri.EscapeDataString(downloadFileName));
        }
        query.Append("&sig=").Append(Sign(blobKey, expires, downloadFileName));
        var path = string.Join('/', blobKey.Split('/').Select(Uri.EscapeDataString));
        return new Uri($"{baseUrl.Current.AbsoluteUri.TrimEnd('/')}/{RoutePrefix}/{path}{query}");
    }

    /// <summary>Checks a request's parts; values are as received (already URL-decoded), any of them possibly missing.</summary>
    public BlobSignatureCheck Verify(string blobKey, string? expires, string? downloadFileName, string? signature)
    {
        if (string.IsNullOrEmpty(signature)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return BlobSignatureCheck.Invalid;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(blobKey, expiresAt, downloadFileName));
        var actual = Encoding.ASCII.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return BlobSignatureCheck.Invalid;
        }
        return timeProvider.GetUtcNow().ToUnixTimeSeconds() >= expiresAt ? BlobSignatureCheck.Expired : BlobSignatureCheck.Valid;
    }

    private string Sign(string blobKey, long expires, string? downloadFileName)
    {
        // Newlines cannot occur in keys (control characters are rejected), so the fields cannot run into each other.
        var payload = $"{blobKey}\n{expires.ToString(CultureInfo.InvariantCulture)}\n{downloadFileName}";
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
