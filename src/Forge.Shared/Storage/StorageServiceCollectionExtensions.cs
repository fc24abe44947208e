using Forge.Shared.Data;
using Forge.Shared.Storage.Azure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the configured <see cref="IBlobStore"/> (<c>Forge:Storage:Provider</c>: file system by default, or Azure Blob)
    /// and the <see cref="BlobUrlSigner"/> that the Forge-served download endpoint verifies with.
    /// </summary>
    public static IServiceCollection AddForgeStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .PostConfigure(options =>
            {
                // Read when the options are first built, so settings added late (tests, hosting) still count.
                var dataPath = configuration[$"{DataOptions.SectionName}:{nameof(DataOptions.DataPath)}"] is { Length: > 0 } configured ? configured : "./.forge";
                options.Root = string.IsNullOrWhiteSpace(options.Root) ? Path.Combine(dataPath, "blobs") : options.Root;
                options.SigningKeyPath ??= Path.Combine(dataPath, "keys", "blob-signing.key");
            })
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var configured = string.IsNullOrWhiteSpace(options.PublicBaseUrl) ? null : new Uri(options.PublicBaseUrl);
            // Both are absent outside a web host (CLI verbs, storage tests): the base then falls back to a fixed one.
            var origin = new DownloadUrlBase(configured, sp.GetService<IHttpContextAccessor>(), sp.GetService<IServer>());
            return new BlobUrlSigner(SigningKeyStore.Load(options), origin, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IBlobStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.UsesAzure
                ? new AzureBlobStore(options.Azure, sp.GetRequiredService<TimeProvider>())
                : new FileSystemBlobStore(options.Root!, sp.GetRequiredService<BlobUrlSigner>());
        });
        return services;
    }
}
