using System.Text.RegularExpressions;
using Forge.Shared.Storage.Azure;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Storage;

/// <summary>Checks <see cref="StorageOptions"/> at start so a bad setting fails the host with a message, not the first upload.</summary>
public sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!options.UsesAzure && !string.Equals(options.Provider, "filesystem", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Forge:Storage:Provider must be 'filesystem' or 'azure'; got '{options.Provider}'.");
        }
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https") || baseUrl.Query.Length > 0))
        {
            failures.Add($"Forge:Storage:PublicBaseUrl must be empty (URLs follow the request's host) or an absolute http(s) URL without a query such as https://forge.example.com; got '{options.PublicBaseUrl}'.");
        }
        if (options.SigningKey is { Length: < 32 })
        {
            failures.Add("Forge:Storage:SigningKey must be at least 32 characters (or left unset to generate one in the data folder).");
        }
        if (options.UsesAzure)
        {
            ValidateAzure(options.Azure, failures);
        }
        else if (string.IsNullOrWhiteSpace(options.Root))
        {
            failures.Add("Forge:Storage:Root must name a folder for the file-system blob store.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateAzure(AzureBlobOptions azure, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(azure.ConnectionString))
        {
            failures.Add("Forge:Storage:Provider=azure needs Forge:Storage:Azure:ConnectionString (DefaultEndpointsProtocol=https;AccountName=...;AccountKey=... or UseDevelopmentStorage=true).");
        }
        else if (AzureStorageAccount.Problem(azure.ConnectionString) is { } problem)
        {
            failures.Add($"Forge:Storage:Azure:ConnectionString is not usable: {problem}");
        }
        if (!ContainerName().IsMatch(azure.Container) || azure.Container.Contains("--", StringComparison.Ordinal))
        {
            failures.Add($"Forge:Storage:Azure:Container must be 3-63 lowercase letters, digits and single hyphens; got '{azure.Container}'.");
        }
        if (azure.BlockSize is < 64 * 1024 or > 100 * 1024 * 1024)
        {
            failures.Add($"Forge:Storage:Azure:BlockSize must be between 64 KiB and 100 MiB; got {azure.BlockSize}.");
        }
        if (azure.UploadConcurrency is < 1 or > 64)
        {
            failures.Add($"Forge:Storage:Azure:UploadConcurrency must be between 1 and 64; got {azure.UploadConcurrency}.");
        }
        if (azure.ListPageSize is < 1 or > 5000)
        {
            failures.Add($"Forge:Storage:Azure:ListPageSize must be between 1 and 5000; got {azure.ListPageSize}.");
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$")]
    private static partial Regex ContainerName();
}
