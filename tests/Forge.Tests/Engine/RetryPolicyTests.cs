using Forge.Shared.Durable;
using System.Net;
using Forge.Shared.Engine;

namespace Forge.Tests.Engine;

public sealed class RetryPolicyTests
{
    private static readonly EngineRetryOptions Options = new() { MaxAttempts = 5, InitialDelayMs = 1000, MaxDelayMs = 10_000 };

    [Theory]
    [InlineData(1, 500, 1000)]
    [InlineData(2, 1000, 2000)]
    [InlineData(3, 2000, 4000)]
    [InlineData(5, 5000, 10_000)]
    [InlineData(30, 5000, 10_000)]
    public void BackoffDoublesPerAttemptWithJitterUpToTheCeiling(int attempt, int minMs, int maxMs)
    {
        var policy = new RetryPolicy(Options);
        var random = new Random(7);

        var delays = Enumerable.Range(0, 200).Select(_ => policy.NextDelay(attempt, null, random).TotalMilliseconds).ToList();

        delays.Should().OnlyContain(d => d >= minMs && d <= maxMs);
        delays.Distinct().Count().Should().BeGreaterThan(150, "jitter spreads retries apart");
    }

    [Fact]
    public void RetryAfterIsTheFloorEvenBeyondTheBackoffCeiling()
    {
        var policy = new RetryPolicy(Options);

        var delay = policy.NextDelay(1, TimeSpan.FromSeconds(60), new Random(1));

        delay.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(60)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(61));
    }

    [Fact]
    public void RetryAfterInSecondsOrAsADateIsRead()
    {
        var now = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "120");
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.TryAddWithoutValidation("Retry-After", "Sun, 22 Nov 2026 10:00:30 GMT");
        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        RetryAfter.From(seconds.Headers, now).Should().Be(TimeSpan.FromSeconds(120));
        RetryAfter.From(date.Headers, now).Should().Be(TimeSpan.FromSeconds(30));
        RetryAfter.From(none.Headers, now).Should().BeNull();
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    public void FailedResponsesAreRetryableOnlyWhenAnotherTryCanHelp(HttpStatusCode status, bool retryable)
    {
        using var response = new HttpResponseMessage(status);
        response.Headers.TryAddWithoutValidation("Retry-After", "5");

        var thrown = FluentActions.Invoking(() => RetryAfter.ThrowIfFailed(response, "together", DateTimeOffset.UtcNow)).Should().Throw<Exception>().Which;

        if (retryable)
        {
            thrown.Should().BeOfType<RetryableActivityException>().Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(5));
        }
        else
        {
            thrown.Should().BeOfType<PermanentActivityException>().Which.Message.Should().Contain("together answered");
        }
    }

    [Fact]
    public void SuccessfulResponsePassesThrough()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);

        FluentActions.Invoking(() => RetryAfter.ThrowIfFailed(response, "openai", DateTimeOffset.UtcNow)).Should().NotThrow();
    }
}
