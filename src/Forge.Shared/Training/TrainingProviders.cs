using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Forge.Shared.Training;

/// <summary>How a provider is made and what keeps it from being used (missing configuration), without making it.</summary>
/// <param name="Problem">Null when the provider can be used; else what to configure, naming the keys.</param>
public sealed record TrainingProviderRegistration(string Name, Func<IServiceProvider, string?> Problem, Func<IServiceProvider, ITrainingProvider> Create);

/// <summary>The training providers Forge knows, by the name a training job gives.</summary>
public sealed class TrainingProviders(IServiceProvider services, IEnumerable<TrainingProviderRegistration> registrations)
{
    private readonly Dictionary<string, TrainingProviderRegistration> _byName =
        registrations.ToDictionary(r => r.Name, StringComparer.Ordinal);
    private readonly Dictionary<string, ITrainingProvider> _made = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Known => [.. _byName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Null when <paramref name="name"/> is known and configured; else a message for a 422.</summary>
    public string? Problem(string name) => _byName.TryGetValue(name, out var registration)
        ? registration.Problem(services)
        : $"Unknown training provider '{name}'; known: {string.Join(", ", Known)}";

    public ITrainingProvider Get(string name)
    {
        if (Problem(name) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        lock (_made)
        {
            if (!_made.TryGetValue(name, out var provider))
            {
                provider = _byName[name].Create(services);
                _made[name] = provider;
            }
            return provider;
        }
    }
}

public static class TrainingServiceCollectionExtensions
{
    /// <summary>Registers a provider under <paramref name="name"/>; <see cref="TrainingProviders"/> finds it.</summary>
    public static IServiceCollection AddTrainingProvider(this IServiceCollection services, string name,
        Func<IServiceProvider, string?> problem, Func<IServiceProvider, ITrainingProvider> create)
    {
        services.AddSingleton(new TrainingProviderRegistration(name, problem, create));
        services.TryAddSingleton<TrainingProviders>();
        return services;
    }
}
