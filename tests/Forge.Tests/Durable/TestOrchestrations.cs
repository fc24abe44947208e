using System.Collections.Concurrent;
using Forge.Shared.Durable;
using Microsoft.DurableTask;

namespace Forge.Tests.Durable;

/// <summary>Orchestrators and activities that exercise the durable layer itself, each small enough to read at once.</summary>
public static class TestOrchestrations
{
    private static readonly TaskOptions QuickRetry = (ActivityRetry.Default with { FirstDelay = TimeSpan.FromSeconds(1) }).Options;

    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<int, int>("chain", async (context, count) =>
        {
            var total = 0;
            for (var i = 1; i <= count; i++)
            {
                total += await context.CallActivityAsync<int>("square", i);
            }
            return total;
        });
        registry.AddOrchestratorFunc<int, int>("fan", async (context, count) =>
        {
            var squares = await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<int>("square", i)));
            return squares.Sum();
        });
        registry.AddOrchestratorFunc<string?, string>("wait-for-approval", async (context, _) =>
        {
            var decision = await context.WaitForExternalEvent<string>("approval");
            return $"approved by {decision}";
        });
        registry.AddOrchestratorFunc<string, int>("flaky", async (context, key) =>
            await context.CallActivityAsync<int>("fail-then-succeed", key, QuickRetry));
        registry.AddOrchestratorFunc<string, string>("permanent", async (context, key) =>
        {
            try
            {
                await context.CallActivityAsync("fail-permanently", key, ActivityRetry.Default.Options);
                return "no failure";
            }
            catch (TaskFailedException e)
            {
                return $"{e.FailureDetails.ErrorType}: {e.FailureDetails.ErrorMessage}";
            }
        });
        registry.AddActivityFunc<int, int>("square", (_, i) => i * i);
        registry.AddActivityFunc<string, int>("fail-then-succeed", (_, key) =>
        {
            var attempts = Attempts.AddOrUpdate(key, _ => [DateTimeOffset.UtcNow], (_, list) => [.. list, DateTimeOffset.UtcNow]);
            if (attempts.Length == 1)
            {
                throw new RetryableActivityException("429 Too Many Requests", TimeSpan.FromSeconds(3));
            }
            return attempts.Length;
        });
        registry.AddActivityFunc<string, int>("fail-permanently", (_, key) =>
        {
            Attempts.AddOrUpdate(key, _ => [DateTimeOffset.UtcNow], (_, list) => [.. list, DateTimeOffset.UtcNow]);
            return Task.FromException<int>(new PermanentActivityException("401 Unauthorized: the key was refused"));
        });
    }

    /// <summary>When each keyed activity ran; keys are unique per test.</summary>
    public static ConcurrentDictionary<string, DateTimeOffset[]> Attempts { get; } = new();
}
