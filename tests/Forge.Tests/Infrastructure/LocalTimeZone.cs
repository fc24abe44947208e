namespace Forge.Tests.Infrastructure;

/// <summary>
/// Tests that switch the process's local time zone: they run alone, after every parallel collection, since
/// <see cref="TimeZoneInfo.Local"/> is process-wide.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalTimeZoneCollection
{
    public const string Name = "Local time zone";
}

/// <summary>
/// Makes <see cref="TimeZoneInfo.Local"/> a zone away from UTC until disposed, so a local-versus-UTC mistake
/// changes the instant (on a UTC machine it would go unnoticed). Use only in <see cref="LocalTimeZoneCollection"/>.
/// </summary>
public sealed class LocalTimeZone : IDisposable
{
    /// <summary>UTC+05:30 all year: no daylight saving to make a test depend on the date.</summary>
    public const string AwayFromUtc = "Asia/Kolkata";

    private readonly string? previous = Environment.GetEnvironmentVariable("TZ");

    private LocalTimeZone(string zone)
    {
        Environment.SetEnvironmentVariable("TZ", zone);
        TimeZoneInfo.ClearCachedData();
    }

    public static LocalTimeZone Use(string zone = AwayFromUtc)
    {
        var scope = new LocalTimeZone(zone);
        if (TimeZoneInfo.Local.BaseUtcOffset == TimeSpan.Zero)
        {
            scope.Dispose();
            throw new InvalidOperationException($"Could not make '{zone}' the local time zone (is tzdata installed?); the test would prove nothing in UTC.");
        }
        return scope;
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("TZ", previous);
        TimeZoneInfo.ClearCachedData();
    }
}
