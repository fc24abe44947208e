using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Ai;

public static class AiServiceCollectionExtensions
{
    /// <summary>Binds <see cref="AiOptions"/> from <c>Forge:Ai</c> (validated at start) and registers <see cref="ItemGenerators"/>.</summary>
    public static IServiceCollection AddForgeAi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AiOptions>().Bind(configuration.GetSection(AiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AiOptions>, AiOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ItemGenerators>();
        return services;
    }
}
