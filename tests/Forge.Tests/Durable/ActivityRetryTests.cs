using System.Net;
using Forge.Shared.Durable;
using Microsoft.DurableTask;

namespace Forge.Tests.Durable;

/// <summary>The one retry rule's arithmetic and its reading of providers' answers; its timers run in DurableTaskClientTests.</summary>
public sealed class ActivityRetryTests
{
    private static readonly ActivityRetry Retry = new(5, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(4, 16)]
    [InlineData(5, 20)]
    [InlineData(40, 20)]
    public void BackoffDoublesPerAttemptUpToTheCeiling(int lastAttempt, int seconds)
    {
        Retry.Backoff(lastAttempt).Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void TheRetryAfterAFailureCarriedIsReadBackFromItsMessage()
    {
        var crossed = new RetryAfterActivityException(new RetryableActivityException("openai answered 429 Too Many Requests", TimeSpan.FromSeconds(7.2)));

        crossed.Message.Should().Be("openai answered 429 Too Many Requests (Retry-After 8 s)");
        ActivityRetry.RetryAfterOf(TaskFailureDetails.FromException(crossed)).Should().Be(TimeSpan.FromSeconds(8));
        ActivityRetry.RetryAfterOf(TaskFailureDetails.FromException(new RetryableActivityException("500"))).Should().BeNull();
        ActivityRetry.RetryAfterOf(TaskFailureDetails.FromException(new InvalidOperationException("(Retry-After 5 s) in the middle"))).Should().BeNull();
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
