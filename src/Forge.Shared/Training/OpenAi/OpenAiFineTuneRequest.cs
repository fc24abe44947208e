using Forge.Shared.Durable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Forge.Shared.Training.OpenAi;

/// <summary>
/// Builds the body of <c>POST /fine_tuning/jobs</c> from a submission: the method object (supervised or dpo) with
/// its hyperparameters, the job name as <c>metadata.forge_job</c> (how a retry finds the job) and as the suffix.
/// An unknown hyperparameter fails the submission with the supported names rather than being dropped silently.
/// </summary>
public static partial class OpenAiFineTuneRequest
{
    public const string JobNameMetadataKey = "forge_job";

    /// <summary>Forge's names; each maps to OpenAI's field of the same meaning.</summary>
    public static IReadOnlyList<string> SupportedHyperparameters { get; } = ["epochs", "batch_size", "learning_rate_multiplier", "beta", "seed"];

    // OpenAI documents a suffix of up to 64 characters.
    private const int MaxSuffixLength = 64;

    /// <summary>The body without <c>training_file</c>, which is known only after the upload; throws for bad hyperparameters.</summary>
    public static JsonObject Create(TrainingSubmission submission)
    {
        var method = submission.Method.Trim().ToLowerInvariant() switch
        {
            "sft" => "supervised",
            "dpo" => "dpo",
            _ => throw new PermanentActivityException($"openai trains with method sft or dpo, not '{submission.Method}'"),
        };
        var hp = submission.Hyperparameters;
        var unsupported = hp.Select(p => p.Key).Where(k => !SupportedHyperparameters.Contains(k)).ToList();
        if (unsupported.Count > 0)
        {
            var hint = unsupported.Contains("learning_rate")
                ? " (OpenAI scales its own base rate: use learning_rate_multiplier, e.g. 1.8, instead of learning_rate)"
                : "";
            throw new PermanentActivityException(
                $"openai does not support the hyperparameter(s) {string.Join(", ", unsupported)}{hint}; " +
                $"supported: {string.Join(", ", SupportedHyperparameters)}");
        }
        if (method == "supervised" && hp.ContainsKey("beta"))
        {
            throw new PermanentActivityException("openai: beta applies to dpo training only");
        }

        var hyperparameters = new JsonObject();
        Copy(hyperparameters, "n_epochs", hp, "epochs", PositiveIntegerOrAuto, WholeOrAuto);
        Copy(hyperparameters, "batch_size", hp, "batch_size", PositiveIntegerOrAuto, WholeOrAuto);
        Copy(hyperparameters, "learning_rate_multiplier", hp, "learning_rate_multiplier", PositiveOrAuto, NumberOrAuto);
        Copy(hyperparameters, "beta", hp, "beta", PositiveOrAuto, NumberOrAuto);
        var body = new JsonObject
        {
            ["model"] = submission.BaseModel,
            ["suffix"] = Suffix(submission.JobName),
            ["metadata"] = new JsonObject { [JobNameMetadataKey] = submission.JobName },
            ["method"] = new JsonObject { ["type"] = method, [method] = new JsonObject { ["hyperparameters"] = hyperparameters } },
        };
        Copy(body, "seed", hp, "seed", Integer, "must be a whole number");
        return body;
    }

    /// <summary>The job name in the characters a model name allows, cut to OpenAI's limit.</summary>
    public static string Suffix(string jobName)
    {
        var clean = NotSuffixCharacters().Replace(jobName, "-").Trim('-');
        return clean.Length <= MaxSuffixLength ? clean : clean[..MaxSuffixLength];
    }

    private const string WholeOrAuto = "must be a whole number of at least 1, or \"auto\"";
    private const string NumberOrAuto = "must be a number above 0, or \"auto\"";

    private static void Copy(JsonObject target, string field, JsonObject hp, string name, Func<JsonNode?, JsonNode?> read, string expected)
    {
        if (hp.TryGetPropertyValue(name, out var node))
        {
            target[field] = read(node) ?? throw new PermanentActivityException($"openai: {name} {expected} (was {node?.ToJsonString() ?? "null"})");
        }
    }

    private static JsonNode? PositiveIntegerOrAuto(JsonNode? node) =>
        IsAuto(node) ? "auto" : Numeric(node) is { } n && n >= 1 && n == Math.Floor(n) && n <= int.MaxValue ? (long)n : null;

    private static JsonNode? PositiveOrAuto(JsonNode? node) =>
        IsAuto(node) ? "auto" : Numeric(node) is { } n && n > 0 ? n : null;

    private static JsonNode? Integer(JsonNode? node) =>
        Numeric(node) is { } n && n == Math.Floor(n) && Math.Abs(n) <= int.MaxValue ? (long)n : null;

    private static bool IsAuto(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "auto";

    // Read through the JSON text: a node built in memory holds an int or a long, which GetValue<double> refuses.
    private static double? Numeric(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex("[^A-Za-z0-9_.-]+", RegexOptions.NonBacktracking)]
    private static partial Regex NotSuffixCharacters();
}
