namespace Forge.Shared.Storage.Azure;

/// <summary>An account name, key and blob endpoint read from a storage connection string.</summary>
public sealed record AzureStorageAccount(string Name, byte[] Key, Uri BlobEndpoint)
{
    public const string DevelopmentAccountName = "devstoreaccount1";

    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static AzureStorageAccount Parse(string connectionString) =>
        TryParse(connectionString, out var account, out var error) ? account : throw new FormatException(error);

    public static bool TryParse(string connectionString, out AzureStorageAccount account, out string error)
    {
        account = null!;
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                error = $"'{part.Split('=')[0]}' is not a Name=Value setting.";
                return false;
            }
            settings[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            // Azurite's defaults; a DevelopmentStorageProxyUri moves the endpoint, as in the Azure SDKs.
            var proxy = settings.TryGetValue("DevelopmentStorageProxyUri", out var p) ? p.TrimEnd('/') : "http://127.0.0.1";
            account = new AzureStorageAccount(DevelopmentAccountName, Convert.FromBase64String(DevelopmentAccountKey),
                new Uri($"{proxy}:10000/{DevelopmentAccountName}"));
            error = "";
            return true;
        }

        if (!settings.TryGetValue("AccountName", out var name) || string.IsNullOrEmpty(name))
        {
            error = "AccountName is missing (SAS-token and managed-identity connections are not supported; the adapter signs with the account key).";
            return false;
        }
        if (!settings.TryGetValue("AccountKey", out var keyText) || !TryBase64(keyText, out var key))
        {
            error = "AccountKey is missing or not base64.";
            return false;
        }
        Uri? endpoint;
        if (settings.TryGetValue("BlobEndpoint", out var blobEndpoint))
        {
            if (!Uri.TryCreate(blobEndpoint.TrimEnd('/'), UriKind.Absolute, out endpoint))
            {
                error = $"BlobEndpoint '{blobEndpoint}' is not an absolute URL.";
                return false;
            }
        }
        else
        {
            var protocol = settings.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto : "https";
            var suffix = settings.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
            endpoint = new Uri($"{protocol}://{name}.blob.{suffix}");
        }
        account = new AzureStorageAccount(name, key, endpoint);
        error = "";
        return true;
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[text.Length];
        if (text.Length > 0 && Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }
        bytes = [];
        return false;
    }
}
