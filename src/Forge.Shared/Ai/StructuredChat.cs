using Forge.Shared.Durable;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;

namespace Forge.Shared.Ai;

/// <param name="Schema">A JSON schema for the answer; asked for as strict structured output where the provider is set up for it.</param>
public sealed record StructuredChatRequest(string SystemPrompt, string UserPrompt, string SchemaName, BinaryData Schema, string? Model = null, double? Temperature = null);

/// <param name="Text">The answer as the model wrote it; the caller parses and validates it.</param>
/// <param name="Truncated">The model stopped at its token limit, so the text is likely cut off.</param>
public sealed record StructuredChatAnswer(string Text, string Provider, string Model, bool Truncated, string? Refusal, TokenUsage Usage);

/// <summary>
/// One JSON answer to a prompt from a configured OpenAI-compatible provider (the same <c>Forge:Ai:Providers</c> settings
/// as <see cref="ItemGenerators"/>), for features whose output is not a dataset item. Failures are reported as the engine
/// understands them: retryable (429, 5xx, timeouts, with Retry-After) or permanent (401, 404, no credit).
/// </summary>
public sealed class StructuredChatClients(IOptions<AiOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, (OpenAIClient Client, OpenAiEndpoint Endpoint)> clients = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Providers with an API key, <c>openai</c> first: the default when a request names none.</summary>
    public IReadOnlyList<string> Configured =>
        options.Value.Providers.Where(p => !string.IsNullOrWhiteSpace(p.Value.ApiKey)).Select(p => p.Key.Trim().ToLowerInvariant())
            .OrderBy(name => name == "openai" ? 0 : 1).ThenBy(name => name, StringComparer.Ordinal).ToList();

    public bool IsConfigured(string provider) => Configured.Contains(provider.Trim().ToLowerInvariant());

    public async Task<StructuredChatAnswer> CompleteAsync(string provider, StructuredChatRequest request, CancellationToken cancellationToken)
    {
        var (client, endpoint) = clients.GetOrAdd(provider.Trim().ToLowerInvariant(), Create);
        var model = request.Model is { Length: > 0 } requested ? requested : endpoint.DefaultModel ?? OpenAiCompatibleGenerator.FallbackModel;
        var chatOptions = new ChatCompletionOptions
        {
            Temperature = (float?)request.Temperature,
            ResponseFormat = endpoint.StructuredOutput switch
            {
                StructuredOutputMode.JsonSchema => ChatResponseFormat.CreateJsonSchemaFormat(request.SchemaName, request.Schema, jsonSchemaIsStrict: true),
                StructuredOutputMode.JsonObject => ChatResponseFormat.CreateJsonObjectFormat(),
                _ => null,
            },
        };
        ChatCompletion completion;
        try
        {
            completion = (await client.GetChatClient(model).CompleteChatAsync(
                [new SystemChatMessage(request.SystemPrompt), new UserChatMessage(request.UserPrompt)], chatOptions, cancellationToken)).Value;
        }
        catch (ClientResultException e)
        {
            throw ProviderFailure.From(provider, e, timeProvider.GetUtcNow());
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The caller did not cancel, so this is the SDK's network timeout.
            throw new RetryableActivityException($"{provider} did not answer in time", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new RetryableActivityException($"{provider} could not be reached: {e.Message}", null, e);
        }
        var text = string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text));
        return new StructuredChatAnswer(text, provider, string.IsNullOrEmpty(completion.Model) ? model : completion.Model,
            completion.FinishReason == ChatFinishReason.Length, completion.Refusal,
            new TokenUsage(completion.Usage?.InputTokenCount ?? 0, completion.Usage?.OutputTokenCount ?? 0));
    }

    private (OpenAIClient, OpenAiEndpoint) Create(string provider)
    {
        var ai = options.Value;
        var configured = ai.Provider(provider);
        if (configured is null || string.IsNullOrWhiteSpace(configured.ApiKey))
        {
            throw new PermanentActivityException($"No API key configured for '{provider}' ({AiOptions.SectionName}:Providers:{provider}:ApiKey)");
        }
        var failures = AiOptionsValidator.Failures(provider, configured).ToList();
        if (failures.Count > 0)
        {
            throw new PermanentActivityException(string.Join(" ", failures));
        }
        var endpoint = new OpenAiEndpoint(new Uri(AiOptionsValidator.BaseUrl(provider, configured)!), configured.ApiKey.Trim(),
            string.IsNullOrWhiteSpace(configured.Model) ? null : configured.Model.Trim(), AiOptionsValidator.ParseMode(configured.StructuredOutput)!.Value,
            TimeSpan.FromSeconds(ai.RequestTimeoutSeconds));
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            NetworkTimeout = endpoint.RequestTimeout,
            // The engine retries, honouring Retry-After; the SDK's own retries would hide that.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        clientOptions.AddPolicy(new FinishReasonPolicy(), PipelinePosition.PerCall);
        return (new OpenAIClient(new ApiKeyCredential(endpoint.ApiKey), clientOptions), endpoint);
    }
}
