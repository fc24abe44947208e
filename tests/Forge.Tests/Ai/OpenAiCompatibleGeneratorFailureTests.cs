using Forge.Shared.Durable;
using System.Net;
using System.Net.Sockets;
using Forge.Shared.Ai;
using Forge.Tests.Infrastructure;
using static Forge.Tests.Ai.OpenAiCompatibleGeneratorTests;

namespace Forge.Tests.Ai;

public sealed class OpenAiCompatibleGeneratorFailureTests : IAsyncLifetime
{
    private FakeOpenAiServer server = null!;

    public async Task InitializeAsync() => server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task RateLimitIsRetryableNoSoonerThanRetryAfter()
    {
        server.Enqueue(FakeChatReply.RateLimited(retryAfterSeconds: 7));

        var failure = await Generate().Should().ThrowAsync<RetryableActivityException>();

        failure.Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
        failure.Which.Message.Should().Contain("openai").And.Contain("429").And.Contain("Rate limit reached");
        server.Requests.Should().ContainSingle("the SDK's own retries are off; the engine retries");
    }

    [Fact]
    public async Task RetryAfterAsADateIsReadAgainstTheClock()
    {
        var now = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        server.Enqueue(FakeChatReply.ServerError() with
        {
            Status = 503, Headers = new Dictionary<string, string> { ["Retry-After"] = "Sun, 22 Nov 2026 10:00:30 GMT" },
        });
        var generator = new OpenAiCompatibleGenerator("together", new OpenAiEndpoint(server.BaseUrl, "key"), new FixedClock(now));

        var failure = await generator.Invoking(g => g.GenerateAsync(Prompt(), default)).Should().ThrowAsync<RetryableActivityException>();

        failure.Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(30));
        failure.Which.Message.Should().StartWith("together answered 503");
    }

    [Fact]
    public async Task OpenAisMillisecondRetryAfterIsPreferred()
    {
        server.Enqueue(FakeChatReply.RateLimited(retryAfterSeconds: 2) with { Headers = new Dictionary<string, string> { ["retry-after-ms"] = "1500" } });

        var failure = await Generate().Should().ThrowAsync<RetryableActivityException>();

        failure.Which.RetryAfter.Should().Be(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public async Task ServerErrorIsRetryableWithoutAWait()
    {
        server.Enqueue(FakeChatReply.ServerError());

        var failure = await Generate().Should().ThrowAsync<RetryableActivityException>();

        failure.Which.RetryAfter.Should().BeNull();
        failure.Which.Message.Should().Contain("500");
        server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task AnswerSlowerThanTheTimeoutIsRetryable()
    {
        server.Enqueue(FakeChatReply.Slow(TimeSpan.FromSeconds(5)));
        var generator = GeneratorFor(server.BaseUrl, timeout: TimeSpan.FromSeconds(1));
        var failure = await generator.Invoking(g => g.GenerateAsync(Prompt(), default)).Should().ThrowAsync<RetryableActivityException>();

        failure.Which.Message.Should().Contain("did not answer within 1 s");
    }

    [Fact]
    public async Task CallersCancellationStaysACancellation()
    {
        server.Enqueue(FakeChatReply.Slow(TimeSpan.FromSeconds(5)));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await GeneratorFor(server.BaseUrl).Invoking(g => g.GenerateAsync(Prompt(), cancellation.Token))
            .Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task UnreachableServerIsRetryable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        await GeneratorFor(new Uri($"http://127.0.0.1:{port}/v1")).Invoking(g => g.GenerateAsync(Prompt(), default))
            .Should().ThrowAsync<RetryableActivityException>().WithMessage("*could not be reached*");
    }

    [Fact]
    public async Task UnauthorizedIsPermanentAndSaysWhy()
    {
        server.Enqueue(FakeChatReply.Unauthorized());

        var failure = await Generate().Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain("openai answered 401").And.Contain("Incorrect API key provided")
            .And.Contain("Forge:Ai:Providers:openai:ApiKey");
    }

    [Theory]
    [InlineData(400, "Invalid value for 'temperature'.")]
    [InlineData(403, "Project does not have access to this model.")]
    [InlineData(404, "The model `gpt-9` does not exist or you do not have access to it.")]
    public async Task ConfigurationErrorsArePermanent(int status, string message)
    {
        server.Enqueue(FakeChatReply.Error(status, message));

        var failure = await Generate().Should().ThrowAsync<PermanentActivityException>();

        failure.Which.Message.Should().Contain($"openai answered {status}").And.Contain(message);
    }

    [Fact]
    public async Task ExhaustedQuotaIsPermanentEvenThoughItIs429()
    {
        server.Enqueue(FakeChatReply.Error(429, "You exceeded your current quota.", "insufficient_quota", "insufficient_quota"));

        await Generate().Should().ThrowAsync<PermanentActivityException>().WithMessage("*exceeded your current quota*");
    }

    [Fact]
    public async Task APromptLongerThanTheContextSkipsOnlyItsItem()
    {
        server.Enqueue(FakeChatReply.Error(400, "This model's maximum context length is 8192 tokens.", "invalid_request_error", "context_length_exceeded"));

        var skipped = await Generate().Should().ThrowAsync<GenerationSkippedException>();

        skipped.Which.Reason.Should().Be("prompt_too_long");
        skipped.Which.Message.Should().Contain("maximum context length");
    }

    [Fact]
    public async Task TruncatedAnswerIsMalformedOutputWithItsUsage()
    {
        server.Enqueue(FakeChatReply.Truncated() with { PromptTokens = 50, CompletionTokens = 200 });

        var failure = await Generate().Should().ThrowAsync<MalformedOutputException>();

        failure.Which.Reason.Should().Be("malformed_output");
        failure.Which.Message.Should().Contain("truncated (finish_reason=length)");
        failure.Which.Usage.Should().Be(new TokenUsage(50, 200), "the provider bills the unusable answer");
    }

    [Fact]
    public async Task ProseIsMalformedOutput()
    {
        server.Enqueue(FakeChatReply.NotJson());

        await Generate().Should().ThrowAsync<MalformedOutputException>().WithMessage("*not JSON*");
    }

    [Theory]
    [InlineData("""{"instruction":"Q","input_text":"","bad_response":"b","explanation":"e"}""", "missing field ideal_response")]
    [InlineData("""{"instruction":"  ","input_text":"","ideal_response":"a"}""", "empty field instruction")]
    [InlineData("""{"instruction":"Q","ideal_response":42}""", "field ideal_response is not a string")]
    [InlineData("""["instruction","ideal_response"]""", "not JSON")]
    public async Task AnswersWithoutTheRequiredFieldsAreMalformed(string content, string reason)
    {
        server.Enqueue(FakeChatReply.WithContent(content));

        await Generate().Should().ThrowAsync<MalformedOutputException>().WithMessage($"*{reason}*");
    }

    [Theory]
    [InlineData("```json\n{\"instruction\":\"Q\",\"input_text\":\"\",\"ideal_response\":\"A\"}\n```")]
    [InlineData("```\n{\"instruction\":\"Q\",\"input_text\":\"\",\"ideal_response\":\"A\"}\n```")]
    [InlineData("Here is the item:\n{\"instruction\":\"Q\",\"input_text\":\"\",\"ideal_response\":\"A\"}")]
    public async Task FencedOrWrappedJsonIsRead(string content)
    {
        server.Enqueue(FakeChatReply.WithContent(content));

        var result = await GeneratorFor(server.BaseUrl).GenerateAsync(Prompt(), default);

        result.Item.Should().Be(new GeneratedItem("Q", "", "A", null, null));
    }

    private Func<Task<GenerationResult>> Generate() => () => GeneratorFor(server.BaseUrl).GenerateAsync(Prompt(), default);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
