using Microsoft.Extensions.DependencyInjection;

namespace Forge.Shared.Engine;

/// <summary>Activity names (persisted, stable, never derived from type names) and the types that run them.</summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, Type> _activities = new(StringComparer.Ordinal);

    public void Add(string name, Type activityType)
    {
        if (_activities.TryGetValue(name, out var existing) && existing != activityType)
        {
            throw new InvalidOperationException($"Activity name '{name}' is registered twice ({existing.Name}, {activityType.Name}).");
        }
        _activities[name] = activityType;
    }

    public bool TryGet(string name, out Type activityType) => _activities.TryGetValue(name, out activityType!);

    public IReadOnlyCollection<string> Names => _activities.Keys;
}

public static class ActivityRegistrationExtensions
{
    public static IServiceCollection AddActivity<TActivity>(this IServiceCollection services, string name)
        where TActivity : class, IActivity
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddScoped<TActivity>();
        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(ActivityRegistry))?.ImplementationInstance as ActivityRegistry;
        if (registry is null)
        {
            registry = new ActivityRegistry();
            services.AddSingleton(registry);
        }
        registry.Add(name, typeof(TActivity));
        return services;
    }

    public static IServiceCollection AddRunObserver<TObserver>(this IServiceCollection services)
        where TObserver : class, IRunObserver
    {
        services.AddScoped<IRunObserver, TObserver>();
        return services;
    }
}
