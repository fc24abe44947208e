using System.Text.Json.Nodes;

namespace Forge.Shared.Training.OpenAi;

/// <summary>One job event as OpenAI lists it: <c>message</c> or <c>metrics</c>, the latter with step, total_steps and losses in its data.</summary>
internal sealed record OpenAiEvent(string Id, DateTimeOffset CreatedAt, string Type, string Message, JsonObject? Data);

/// <summary>
/// Turns an OpenAI fine-tuning job, its new events and its checkpoints into a <see cref="TrainingSnapshot"/>.
/// OpenAI lists events newest first and pages backwards, so the cursor is the newest event already returned.
/// </summary>
internal static class OpenAiSnapshot
{
    public const string LastEventKey = "last_event_id";
    public const string MetricsKey = "metrics";

    /// <summary>Every status OpenAI documents; an unknown one counts as running so a new in-between state does not fail a healthy job.</summary>
    public static string MapStatus(string? status) => status switch
    {
        "validating_files" or "queued" => TrainingState.Queued,
        // A paused job is neither training nor over; it waits, as a queued one does, until it is resumed.
        "paused" => TrainingState.Queued,
        "running" => TrainingState.Running,
        "succeeded" => TrainingState.Succeeded,
        "failed" => TrainingState.Failed,
        "cancelled" => TrainingState.Cancelled,
        _ => TrainingState.Running,
    };

    /// <param name="newEvents">The events after the cursor, oldest first.</param>
    /// <param name="finalCheckpoint">The metrics of the last checkpoint, read once the job succeeded.</param>
    public static TrainingSnapshot Build(JsonObject job, IReadOnlyList<OpenAiEvent> newEvents, JsonObject? finalCheckpoint, JsonObject previousState)
    {
        var state = (JsonObject)previousState.DeepClone();
        var status = MapStatus(OpenAiJson.String(job, "status"));
        if (state[MetricsKey] is not JsonObject metrics)
        {
            metrics = [];
            state[MetricsKey] = metrics;
        }
        var epochs = Epochs(job);

        var events = new List<TrainingEvent>(newEvents.Count);
        foreach (var e in newEvents)
        {
            var isMetrics = e.Type == "metrics";
            events.Add(new TrainingEvent(e.Id, e.CreatedAt.UtcDateTime, isMetrics ? "metrics" : "message", e.Message, e.Data?.DeepClone() as JsonObject));
            if (isMetrics && e.Data is not null)
            {
                Latest(metrics, e.Data, epochs);
            }
        }
        if (newEvents.Count > 0)
        {
            state[LastEventKey] = newEvents[^1].Id;
        }
        if (status == TrainingState.Succeeded)
        {
            metrics["progress"] = 1.0;
            Set(metrics, "final_loss", OpenAiJson.Number(finalCheckpoint, "train_loss") ?? OpenAiJson.Number(metrics, "loss"));
            Set(metrics, "final_valid_loss", OpenAiJson.Number(finalCheckpoint, "valid_loss") ?? OpenAiJson.Number(metrics, "valid_loss"));
            Set(metrics, "final_full_valid_loss", OpenAiJson.Number(finalCheckpoint, "full_valid_loss"));
            Set(metrics, "final_token_accuracy", OpenAiJson.Number(finalCheckpoint, "train_mean_token_accuracy"));
            if (OpenAiJson.Integer(job, "trained_tokens") is { } tokens)
            {
                metrics["trained_tokens"] = tokens;
            }
        }

        return new TrainingSnapshot(
            status,
            (JsonObject)metrics.DeepClone(),
            events,
            status == TrainingState.Succeeded ? OpenAiJson.String(job, "fine_tuned_model") : null,
            status == TrainingState.Failed ? Error(job) : null,
            state);
    }

    /// <summary>Forge's names for a metrics event's data; the epoch is estimated from the share of steps done, as OpenAI does not report it.</summary>
    private static void Latest(JsonObject metrics, JsonObject data, double? epochs)
    {
        var step = OpenAiJson.Number(data, "step");
        var total = OpenAiJson.Number(data, "total_steps");
        Set(metrics, "loss", OpenAiJson.Number(data, "train_loss"));
        Set(metrics, "valid_loss", OpenAiJson.Number(data, "valid_loss"));
        Set(metrics, "token_accuracy", OpenAiJson.Number(data, "train_mean_token_accuracy"));
        if (step is { } s)
        {
            metrics["step"] = (long)s;
        }
        if (step is { } done && total is > 0)
        {
            var progress = Math.Clamp(done / total.Value, 0, 1);
            metrics["total_steps"] = (long)total.Value;
            metrics["progress"] = progress;
            if (epochs is > 0)
            {
                metrics["epoch"] = Math.Round(progress * epochs.Value, 4);
            }
        }
    }

    /// <summary>The number of epochs OpenAI settled on: in the method's hyperparameters, or the older top-level ones; null while still "auto".</summary>
    private static double? Epochs(JsonObject job)
    {
        var method = job["method"] as JsonObject;
        var type = OpenAiJson.String(method, "type");
        var fromMethod = type is null ? null : (method?[type] as JsonObject)?["hyperparameters"] as JsonObject;
        return OpenAiJson.Number(fromMethod, "n_epochs") ?? OpenAiJson.Number(job["hyperparameters"] as JsonObject, "n_epochs");
    }

    private static string Error(JsonObject job)
    {
        var error = job["error"] as JsonObject;
        var message = OpenAiJson.String(error, "message");
        var code = OpenAiJson.String(error, "code");
        var param = OpenAiJson.String(error, "param");
        if (message is null)
        {
            return "openai reported the job failed without a reason";
        }
        var detail = string.Join(", ", new[] { code, param is null ? null : $"param {param}" }.OfType<string>());
        return detail.Length == 0 ? message : $"{message} ({detail})";
    }

    private static void Set(JsonObject metrics, string name, double? value)
    {
        if (value is { } v)
        {
            metrics[name] = v;
        }
    }
}
