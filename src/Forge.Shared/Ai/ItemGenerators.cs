using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Ai;

/// <summary>
/// Picks the generator for a dataset's provider: the OpenAI-compatible client when that provider has an API key
/// configured, otherwise the offline extractive generator (and always for <c>extractive</c>).
/// </summary>
public sealed class ItemGenerators(IOptions<AiOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, OpenAiCompatibleGenerator> clients = new(StringComparer.OrdinalIgnoreCase);

    public ExtractiveGenerator Extractive { get; } = new();

    /// <exception cref="OptionsValidationException">The provider has a key but no usable BaseUrl (azure_openai needs one).</exception>
    public IItemGenerator For(string provider)
    {
        if (Endpoint(provider) is not { } endpoint)
        {
            return Extractive;
        }
        // One client per provider: it owns the connection pool, and every dataset using the provider shares it.
        return clients.GetOrAdd(provider.Trim().ToLowerInvariant(), name => new OpenAiCompatibleGenerator(name, endpoint, timeProvider));
    }

    /// <summary>Why <see cref="For"/> picks what it picks, for logs and the dataset's status.</summary>
    public string Describe(string provider)
    {
        if (IsExtractive(provider))
        {
            return "the extractive generator was asked for; items are built from the segment text";
        }
        if (Endpoint(provider) is not { } endpoint)
        {
            return $"no API key configured for '{provider}' ({AiOptions.SectionName}:Providers:{provider}:ApiKey); using the extractive generator";
        }
        return $"'{provider}' at {endpoint}";
    }

    private OpenAiEndpoint? Endpoint(string provider)
    {
        if (IsExtractive(provider))
        {
            return null;
        }
        var ai = options.Value;
        var configured = ai.Provider(provider.Trim());
        if (configured is null || string.IsNullOrWhiteSpace(configured.ApiKey))
        {
            return null;
        }
        // Checked here as well as at start, for hosts that build options without the validator.
        var failures = AiOptionsValidator.Failures(provider.Trim(), configured).ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(AiOptions.SectionName, typeof(AiOptions), failures);
        }
        return new OpenAiEndpoint(
            new Uri(AiOptionsValidator.BaseUrl(provider.Trim(), configured)!),
            configured.ApiKey.Trim(),
            string.IsNullOrWhiteSpace(configured.Model) ? null : configured.Model.Trim(),
            AiOptionsValidator.ParseMode(configured.StructuredOutput)!.Value,
            TimeSpan.FromSeconds(ai.RequestTimeoutSeconds));
    }

    private static bool IsExtractive(string provider) =>
        string.IsNullOrWhiteSpace(provider) || provider.Trim().Equals(ExtractiveGenerator.GeneratorName, StringComparison.OrdinalIgnoreCase);
}
