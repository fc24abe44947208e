using Azure.Storage.Blobs;

namespace Forge.Shared.Storage.Azure;

/// <summary>
/// Checks a storage connection string before the host starts. The SDK parses it; this only turns the SDK's
/// "No valid combination of account information found" into which setting is missing.
/// </summary>
public static class AzureStorageAccount
{
    /// <summary>Azurite's well-known account, published in its documentation.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Why the adapter cannot use <paramref name="connectionString"/>, or null when it can.</summary>
    public static string? Problem(string connectionString)
    {
        BlobServiceClient client;
        try
        {
            client = new BlobServiceClient(connectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return MissingSetting(connectionString) ?? e.Message;
        }
        return client.CanGenerateAccountSasUri
            ? null
            : "it has no AccountKey. Download URLs are SAS signed with the account key, so SAS-token connection strings are not supported.";
    }

    private static string? MissingSetting(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                return $"'{part.Split('=')[0]}' is not a Name=Value setting.";
            }
            settings[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }
        if (!settings.TryGetValue("AccountName", out var name) || name.Length == 0)
        {
            return "AccountName is missing.";
        }
        if (!settings.TryGetValue("AccountKey", out var key) || key.Length == 0)
        {
            return "AccountKey is missing (download URLs are SAS signed with the account key).";
        }
        if (!Convert.TryFromBase64String(key, new byte[key.Length], out _))
        {
            return "AccountKey is not base64.";
        }
        if (settings.TryGetValue("BlobEndpoint", out var endpoint) && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            return $"BlobEndpoint '{endpoint}' is not an absolute URL.";
        }
        return null;
    }
}
