using Forge.Shared.Durable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Forge.Shared.Training.Together;

/// <summary>
/// Builds the body of <c>POST /fine-tunes</c> from a submission, mapping Forge's hyperparameter names to Together's
/// fields. An unknown name fails the submission with the list of supported ones: passing it through would either be
/// rejected by Together after the upload, or, worse, silently ignored while the user believes it applied.
/// </summary>
public static partial class TogetherFineTuneRequest
{
    /// <summary>Forge's names, in the order the error message lists them.</summary>
    public static IReadOnlyList<string> SupportedHyperparameters { get; } =
    [
        "epochs", "learning_rate", "batch_size", "warmup_ratio", "max_grad_norm", "weight_decay", "n_checkpoints",
        "lr_scheduler", "min_lr_ratio", "lora", "lora_r", "lora_alpha", "lora_dropout", "lora_trainable_modules",
        "train_on_inputs", "beta",
    ];

    // Together documents a suffix of up to 40 characters (newer pages say 64; the smaller limit works with both).
    private const int MaxSuffixLength = 40;

    /// <summary>The body without <c>training_file</c>, which is known only after the upload; throws for bad hyperparameters.</summary>
    public static JsonObject Create(TrainingSubmission submission)
    {
        var method = submission.Method.Trim().ToLowerInvariant();
        if (method is not ("sft" or "dpo"))
        {
            throw new PermanentActivityException($"together trains with method sft or dpo, not '{submission.Method}'");
        }
        var hp = WithWarmupRatio(submission.Hyperparameters, submission.Data.Examples);
        var unsupported = hp.Select(p => p.Key).Where(k => !SupportedHyperparameters.Contains(k)).ToList();
        if (unsupported.Count > 0)
        {
            var hint = unsupported.Contains("warmup_steps") ? " (Together takes warmup as a share of the steps: give batch_size with warmup_steps, or use warmup_ratio, e.g. 0.1)" : "";
            throw new PermanentActivityException(
                $"together does not support the hyperparameter(s) {string.Join(", ", unsupported)}{hint}; " +
                $"supported: {string.Join(", ", SupportedHyperparameters)}");
        }

        var body = new JsonObject { ["model"] = submission.BaseModel, ["suffix"] = Suffix(submission.JobName) };
        Copy(body, "n_epochs", hp, "epochs", PositiveInteger);
        Copy(body, "learning_rate", hp, "learning_rate", Positive);
        Copy(body, "batch_size", hp, "batch_size", BatchSize);
        Copy(body, "warmup_ratio", hp, "warmup_ratio", Fraction);
        Copy(body, "max_grad_norm", hp, "max_grad_norm", NonNegative);
        Copy(body, "weight_decay", hp, "weight_decay", NonNegative);
        Copy(body, "n_checkpoints", hp, "n_checkpoints", PositiveInteger);
        if (Scheduler(hp) is { } scheduler)
        {
            body["lr_scheduler"] = scheduler;
        }
        if (TrainingType(hp) is { } trainingType)
        {
            body["training_type"] = trainingType;
        }
        body["training_method"] = Method(method, hp);
        return body;
    }

    /// <summary>
    /// Seed 001's example sends <c>warmup_steps</c>; Together takes <c>warmup_ratio</c>. With the example count and the
    /// batch size the total steps are known (epochs × ⌈examples / batch_size⌉), so the steps become that share.
    /// </summary>
    private static JsonObject WithWarmupRatio(JsonObject hp, int examples)
    {
        if (!hp.ContainsKey("warmup_steps") || hp.ContainsKey("warmup_ratio") || examples <= 0
            || hp["warmup_steps"] is not JsonValue stepsValue || !stepsValue.TryGetValue<double>(out var steps) || steps < 0
            || hp["batch_size"] is not JsonValue batchValue || !batchValue.TryGetValue<double>(out var batch) || batch < 1)
        {
            return hp;
        }
        var epochs = hp["epochs"] is JsonValue e && e.TryGetValue<double>(out var n) && n >= 1 ? n : 1;
        var total = epochs * Math.Ceiling(examples / batch);
        var converted = hp.DeepClone().AsObject();
        converted.Remove("warmup_steps");
        converted["warmup_ratio"] = Math.Round(Math.Min(1, steps / total), 4);
        return converted;
    }

    /// <summary>
    /// The suffix that names the job at Together and finds it again after a lost answer: the job name when it fits,
    /// else the job name with the GUID's dashes dropped (<c>forge-{32 hex}</c>), else a hash of it.
    /// </summary>
    public static string Suffix(string jobName)
    {
        var clean = NotSuffixCharacters().Replace(jobName, "-").Trim('-');
        if (clean.Length is > 0 and <= MaxSuffixLength)
        {
            return clean;
        }
        var firstDash = clean.IndexOf('-');
        var compact = firstDash < 0 ? clean : clean[..(firstDash + 1)] + clean[(firstDash + 1)..].Replace("-", "", StringComparison.Ordinal);
        if (compact.Length is > 0 and <= MaxSuffixLength)
        {
            return compact;
        }
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(jobName)));
        return "forge-" + hash[..(MaxSuffixLength - 6)];
    }

    private static JsonObject Method(string method, JsonObject hp)
    {
        if (method == "sft")
        {
            if (hp.ContainsKey("beta"))
            {
                throw new PermanentActivityException("together: beta applies to dpo training only");
            }
            return new JsonObject { ["method"] = "sft", ["train_on_inputs"] = hp.ContainsKey("train_on_inputs") ? Read(hp, "train_on_inputs", TrainOnInputs) : "auto" };
        }
        if (hp.ContainsKey("train_on_inputs"))
        {
            throw new PermanentActivityException("together: train_on_inputs applies to sft training only");
        }
        var dpo = new JsonObject { ["method"] = "dpo" };
        Copy(dpo, "dpo_beta", hp, "beta", Positive);
        return dpo;
    }

    /// <summary>lora=false trains every weight; LoRA settings need lora_r, and alpha defaults to twice it as Together's own tools do.</summary>
    private static JsonObject? TrainingType(JsonObject hp)
    {
        var lora = hp.ContainsKey("lora") ? Read(hp, "lora", Boolean).GetValue<bool>() : (bool?)null;
        var loraSettings = new[] { "lora_r", "lora_alpha", "lora_dropout", "lora_trainable_modules" }.Where(hp.ContainsKey).ToList();
        if (lora == false)
        {
            return loraSettings.Count == 0
                ? new JsonObject { ["type"] = "Full" }
                : throw new PermanentActivityException($"together: {string.Join(", ", loraSettings)} need lora=true");
        }
        if (loraSettings.Count == 0)
        {
            // Together trains a LoRA adapter with its own per-model rank when none is given.
            return null;
        }
        if (!hp.ContainsKey("lora_r"))
        {
            throw new PermanentActivityException("together: LoRA settings need lora_r (the adapter's rank, e.g. 16)");
        }
        var rank = Read(hp, "lora_r", PositiveInteger).GetValue<long>();
        var type = new JsonObject
        {
            ["type"] = "Lora",
            ["lora_r"] = rank,
            ["lora_alpha"] = hp.ContainsKey("lora_alpha") ? Read(hp, "lora_alpha", PositiveInteger) : rank * 2,
        };
        Copy(type, "lora_dropout", hp, "lora_dropout", Fraction);
        Copy(type, "lora_trainable_modules", hp, "lora_trainable_modules", Text);
        return type;
    }

    private static JsonObject? Scheduler(JsonObject hp)
    {
        if (!hp.ContainsKey("lr_scheduler"))
        {
            return hp.ContainsKey("min_lr_ratio") ? throw new PermanentActivityException("together: min_lr_ratio needs lr_scheduler (linear or cosine)") : null;
        }
        var type = Read(hp, "lr_scheduler", Text).GetValue<string>();
        if (type is not ("linear" or "cosine"))
        {
            throw new PermanentActivityException($"together: lr_scheduler must be linear or cosine (was '{type}')");
        }
        var args = new JsonObject { ["min_lr_ratio"] = hp.ContainsKey("min_lr_ratio") ? Read(hp, "min_lr_ratio", Fraction) : 0.0 };
        if (type == "cosine")
        {
            // Required by Together for cosine; half a cycle decays once from the peak, its documented default.
            args["num_cycles"] = 0.5;
        }
        return new JsonObject { ["lr_scheduler_type"] = type, ["lr_scheduler_args"] = args };
    }

    private static JsonNode TrainOnInputs(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "auto" => "auto",
        _ => Boolean(node),
    };

    private static void Copy(JsonObject target, string field, JsonObject hp, string name, Func<JsonNode?, JsonNode> read)
    {
        if (hp.ContainsKey(name))
        {
            target[field] = Read(hp, name, read);
        }
    }

    private static JsonNode Read(JsonObject hp, string name, Func<JsonNode?, JsonNode> read)
    {
        var node = hp[name];
        try
        {
            return read(node);
        }
        catch (InvalidHyperparameter e)
        {
            throw new PermanentActivityException($"together: {name} {e.Message} (was {node?.ToJsonString() ?? "null"})");
        }
    }

    private static JsonNode BatchSize(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "max" ? "max" : PositiveInteger(node);

    private static JsonNode PositiveInteger(JsonNode? node) =>
        Numeric(node) is { } n && n >= 1 && n == Math.Floor(n) && n <= int.MaxValue
            ? (long)n
            : throw new InvalidHyperparameter("must be a whole number of at least 1");

    private static JsonNode Positive(JsonNode? node) =>
        Numeric(node) is { } n && n > 0 ? n : throw new InvalidHyperparameter("must be a number above 0");

    private static JsonNode NonNegative(JsonNode? node) =>
        Numeric(node) is { } n && n >= 0 ? n : throw new InvalidHyperparameter("must be a number of at least 0");

    private static JsonNode Fraction(JsonNode? node) =>
        Numeric(node) is { } n && n is >= 0 and <= 1 ? n : throw new InvalidHyperparameter("must be a number from 0 to 1");

    private static JsonNode Boolean(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValue<bool>()
            : throw new InvalidHyperparameter("must be true or false");

    private static JsonNode Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } text
            ? text
            : throw new InvalidHyperparameter("must be a text");

    // Numbers only ("3" as a string is refused, as Together would refuse it after the upload), read through their JSON
    // text because a node built in memory holds an int or a long, which GetValue<double> refuses.
    private static double? Numeric(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex("[^A-Za-z0-9_.-]+", RegexOptions.NonBacktracking)]
    private static partial Regex NotSuffixCharacters();

    private sealed class InvalidHyperparameter(string message) : Exception(message);
}
