using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Shared.Engine;

public static class EngineServiceCollectionExtensions
{
    public static IServiceCollection AddForgeEngine(this IServiceCollection services, IConfiguration configuration) => services;
}
