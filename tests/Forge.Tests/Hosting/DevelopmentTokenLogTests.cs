using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Forge.Tests.Infrastructure;
using Forge.Functions.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Forge.Tests.Hosting;

public sealed partial class DevelopmentTokenLogTests
{
    [Fact]
    public async Task StartInDevelopmentLogsOneTokenForDevThatTheServerAccepts()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new ForgeApiFactory();
        var client = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs))).CreateClient();

        var lines = logs.Messages.Where(m => m.Contains("Development token for user 'dev'", StringComparison.Ordinal)).ToList();
        lines.Should().ContainSingle();
        var token = BearerToken().Match(lines[0]).Groups[1].Value;

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.GetAsync("/api/v1/auth/me");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"user_id\":\"dev\"");
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void OutsideDevelopmentAGeneratedKeyLogsNoToken(string environment)
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new ForgeApiFactory();
        var services = factory.WithWebHostBuilder(b => b.UseEnvironment(environment).ConfigureLogging(l => l.AddProvider(logs))).Services;

        services.GetRequiredService<JwtSigningKey>().Generated.Should().BeTrue();
        logs.Messages.Should().NotBeEmpty();
        logs.Messages.Should().NotContain(m => m.Contains("Development token", StringComparison.Ordinal) || m.Contains("Bearer ", StringComparison.Ordinal));
    }

    [Fact]
    public void WorkerRoleDoesNotLogAToken()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new ForgeApiFactory().WithSetting("Forge:Role", "worker");
        _ = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs))).Services;

        logs.Messages.Should().NotContain(m => m.Contains("Development token", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"Bearer ([A-Za-z0-9_.-]+)")]
    private static partial Regex BearerToken();

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(Messages);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
