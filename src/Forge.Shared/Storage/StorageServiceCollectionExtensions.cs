using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Shared.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddForgeStorage(this IServiceCollection services, IConfiguration configuration) => services;
}
