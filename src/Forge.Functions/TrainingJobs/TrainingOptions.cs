using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Functions.Hosting;

namespace Forge.Functions.TrainingJobs;

/// <summary>Training lifecycle settings (<c>Forge:Training</c>, host.json <c>training</c>).</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Forge:Training";

    /// <summary>How often a running job's provider is asked for its status (a durable timer between polls).</summary>
    [Range(50, 3_600_000)]
    public int PollIntervalMs { get; set; } = 30_000;

    /// <summary>
    /// Polls one orchestration execution makes before it starts afresh (ContinueAsNew), so a job training for days does
    /// not grow an ever longer history to replay.
    /// </summary>
    [Range(1, 10_000)]
    public int PollsPerExecution { get; set; } = 100;

    /// <summary>
    /// Status checks in a row that may fail (provider unreachable, 5xx, 429) before the job is given up as failed;
    /// they back off from the poll interval up to 10 minutes apart, so the default rides out about a day of outage.
    /// </summary>
    [Range(0, 10_000)]
    public int PollFailureBudget { get; set; } = 150;

    /// <summary>Examples a training file needs at least.</summary>
    [Range(1, 100_000)]
    public int MinExamples { get; set; } = 10;

    /// <summary>Token limit per example when the model's <c>config.max_tokens</c> does not say.</summary>
    [Range(128, 10_000_000)]
    public int MaxTokensPerExample { get; set; } = 32_768;

    /// <summary>How long the export URL handed to providers that fetch it (Azure ML) stays valid.</summary>
    [Range(1, 24 * 30)]
    public int DataUrlHours { get; set; } = 48;
}

/// <summary>The hyperparameters Forge checks; others pass through to the provider, which decides.</summary>
public static class TrainingHyperparameters
{
    public static void Check(JsonObject? hyperparameters, FieldRules rules)
    {
        if (hyperparameters is null)
        {
            return;
        }
        // Names reach providers' APIs and the local command's environment: identifiers only.
        if (hyperparameters.Any(h => h.Key.Length is 0 or > 64 || !h.Key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')))
        {
            rules.Add("hyperparameters", "Names must be 1-64 of the characters A-Z a-z 0-9 . _ -");
        }
        if (hyperparameters["learning_rate"] is { } rate && Number(rate) is not (> 0 and < 1))
        {
            rules.Add("hyperparameters.learning_rate", "Must be a number between 0 and 1");
        }
        foreach (var (key, min, max) in new[] { ("epochs", 1d, 1000d), ("batch_size", 1d, 65_536d), ("warmup_steps", 0d, 10_000_000d) })
        {
            if (hyperparameters[key] is not { } value)
            {
                continue;
            }
            if (Number(value) is not { } n || n != Math.Floor(n) || n < min || n > max)
            {
                rules.Add($"hyperparameters.{key}", $"Must be a whole number between {min:0} and {max:0}");
            }
        }
    }

    private static double? Number(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
}
