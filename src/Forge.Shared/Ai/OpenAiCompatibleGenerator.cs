using Forge.Shared.Durable;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Globalization;
using OpenAI;
using OpenAI.Chat;

namespace Forge.Shared.Ai;

/// <summary>Where and how to reach one OpenAI-compatible provider.</summary>
public sealed record OpenAiEndpoint(
    Uri BaseUrl,
    string ApiKey,
    string? DefaultModel = null,
    StructuredOutputMode StructuredOutput = StructuredOutputMode.JsonSchema,
    TimeSpan? RequestTimeout = null)
{
    // The compiler's record ToString would print the key into logs.
    public override string ToString() => $"{BaseUrl} (model {DefaultModel ?? OpenAiCompatibleGenerator.FallbackModel})";
}

/// <summary>
/// Asks an OpenAI-compatible Chat Completions API (openai, gemini, together, azure_openai, any compatible server) for
/// one item as a JSON object. The SDK's own retries are off: the durable engine retries, honouring Retry-After.
/// </summary>
public sealed class OpenAiCompatibleGenerator(string name, OpenAiEndpoint endpoint, TimeProvider timeProvider) : IItemGenerator
{
    public const string FallbackModel = "gpt-4o-mini";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly OpenAIClient client = new(new ApiKeyCredential(endpoint.ApiKey), ClientOptions(endpoint));

    // One ChatClient per model; they share the OpenAIClient's pipeline and connections.
    private readonly ConcurrentDictionary<string, ChatClient> chats = new(StringComparer.Ordinal);

    public string Name => name;

    public async Task<GenerationResult> GenerateAsync(GenerationPrompt prompt, CancellationToken cancellationToken)
    {
        var model = prompt.Settings.Model is { Length: > 0 } requested ? requested : endpoint.DefaultModel ?? FallbackModel;
        var chat = chats.GetOrAdd(model, client.GetChatClient);
        ChatCompletion completion;
        try
        {
            completion = (await chat.CompleteChatAsync(Messages(prompt), Options(prompt.Settings), cancellationToken)).Value;
        }
        catch (ClientResultException e)
        {
            throw ProviderFailure.From(name, e, timeProvider.GetUtcNow());
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The caller did not cancel, so this is the SDK's network timeout.
            throw new RetryableActivityException(
                $"{name} did not answer within {(endpoint.RequestTimeout ?? DefaultTimeout).TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new RetryableActivityException($"{name} could not be reached: {e.Message}", null, e);
        }

        var usage = new TokenUsage(completion.Usage?.InputTokenCount ?? 0, completion.Usage?.OutputTokenCount ?? 0);
        var text = string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text));
        var item = GeneratedItemJson.Parse(name, text, completion.FinishReason, completion.Refusal, usage);
        return new GenerationResult(item, name, string.IsNullOrEmpty(completion.Model) ? model : completion.Model, usage);
    }

    private static OpenAIClientOptions ClientOptions(OpenAiEndpoint endpoint)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            NetworkTimeout = endpoint.RequestTimeout ?? DefaultTimeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        options.AddPolicy(new FinishReasonPolicy(), PipelinePosition.PerCall);
        return options;
    }

    private static List<ChatMessage> Messages(GenerationPrompt prompt)
    {
        var system = (prompt.SystemPrompt is { Length: > 0 } configured ? configured : PromptTemplate.DefaultSystemPrompt)
            + "\n\n" + GeneratedItemJson.Instruction;
        var user = prompt.UserPrompt;
        if (prompt.Variant > 0)
        {
            // Without this, every variant of a segment tends to come back as the same question.
            user += $"\n\nVariation {prompt.Variant + 1}: earlier variations already covered this text; "
                + "ask about a different aspect of it than the obvious first question.";
        }
        return [new SystemChatMessage(system), new UserChatMessage(user)];
    }

    private ChatCompletionOptions Options(GenerationSettings settings)
    {
        var options = new ChatCompletionOptions
        {
            Temperature = (float?)settings.Temperature,
            MaxOutputTokenCount = settings.MaxTokens,
        };
        options.ResponseFormat = endpoint.StructuredOutput switch
        {
            StructuredOutputMode.JsonSchema => ChatResponseFormat.CreateJsonSchemaFormat(
                "training_item", GeneratedItemJson.Schema, jsonSchemaIsStrict: true),
            StructuredOutputMode.JsonObject => ChatResponseFormat.CreateJsonObjectFormat(),
            _ => null,
        };
        return options;
    }
}
