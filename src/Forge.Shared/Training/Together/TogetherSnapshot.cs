using System.Globalization;
using System.Text.Json.Nodes;

namespace Forge.Shared.Training.Together;

/// <summary>
/// Turns what Together says about a job (<c>GET /fine-tunes/{id}</c>, its <c>/events</c> and <c>/metrics</c>) into a
/// <see cref="TrainingSnapshot"/>. Together's events list has no cursor of its own and grows at the end, so the cursor
/// is the number of events already returned; metrics rows are read from the step after the last one returned.
/// </summary>
internal static class TogetherSnapshot
{
    public const string EventsSeenKey = "events_seen";
    public const string MetricsStepKey = "metrics_step";
    public const string MetricsKey = "metrics";

    /// <summary>Every status Together documents; an unknown one counts as running so a new in-between state does not fail a healthy job.</summary>
    public static string MapStatus(string? status) => status?.ToLowerInvariant() switch
    {
        "pending" or "queued" => TrainingState.Queued,
        // compressing and uploading come after training, while the model is stored; cancel_requested has not stopped yet.
        "running" or "compressing" or "uploading" or "cancel_requested" => TrainingState.Running,
        "completed" => TrainingState.Succeeded,
        "error" or "user_error" => TrainingState.Failed,
        "cancelled" => TrainingState.Cancelled,
        _ => TrainingState.Running,
    };

    public static TrainingSnapshot Build(JsonObject job, JsonObject eventList, JsonObject? metricsList, JsonObject previousState, DateTime now)
    {
        var state = (JsonObject)previousState.DeepClone();
        var status = MapStatus(TogetherJson.String(job, "status"));
        var allEvents = TogetherJson.Data(eventList).ToList();
        var seen = (int)Math.Clamp(TogetherJson.Integer(state, EventsSeenKey) ?? 0, 0, allEvents.Count);
        var events = allEvents.Skip(seen).Select((e, i) => MessageEvent(e, seen + i, now)).ToList();
        state[EventsSeenKey] = allEvents.Count;

        if (state[MetricsKey] is not JsonObject metrics)
        {
            metrics = [];
            state[MetricsKey] = metrics;
        }
        var rows = (metricsList?["metrics"] as JsonArray)?.OfType<JsonObject>() ?? [];
        var lastStep = TogetherJson.Integer(state, MetricsStepKey) ?? 0;
        foreach (var row in rows)
        {
            var eval = row.Any(p => p.Key.StartsWith("eval/", StringComparison.Ordinal));
            var prefix = eval ? "eval" : "train";
            // The query already asks for later steps; this guards against a server that ignores it.
            if (TogetherJson.Integer(row, $"{prefix}/global_step") is not { } step || step <= lastStep)
            {
                continue;
            }
            events.Add(MetricsEvent(row, prefix, step, now));
            Latest(metrics, row, prefix, step);
            state[MetricsStepKey] = Math.Max(TogetherJson.Integer(state, MetricsStepKey) ?? 0, step);
        }
        JobFigures(metrics, job, allEvents, status);

        return new TrainingSnapshot(
            status,
            (JsonObject)metrics.DeepClone(),
            events,
            status == TrainingState.Succeeded ? TogetherJson.String(job, "model_output_name") : null,
            status == TrainingState.Failed ? Error(job, allEvents) : null,
            state);
    }

    private static TrainingEvent MessageEvent(JsonObject e, int index, DateTime now)
    {
        var type = TogetherJson.String(e, "type");
        var data = new JsonObject();
        foreach (var name in new[] { "type", "level", "step", "total_steps", "checkpoint_path", "wandb_url" })
        {
            if (e[name] is JsonValue)
            {
                data[name] = e[name]!.DeepClone();
            }
        }
        // The list only grows at the end, so the position names an event for good; Together's hash may be empty.
        return new TrainingEvent($"event-{index}", TogetherJson.Time(e, "created_at") ?? now, "message", TogetherJson.String(e, "message") ?? type ?? "event", data);
    }

    private static TrainingEvent MetricsEvent(JsonObject row, string prefix, long step, DateTime now)
    {
        // Together stamps rows in nanoseconds since the epoch.
        var at = TogetherJson.Number(row, "timestamp") is { } ns and > 0 ? DateTime.UnixEpoch.AddTicks((long)(ns / 100)) : now;
        var loss = TogetherJson.Number(row, $"{prefix}/loss");
        var message = loss is null
            ? $"Step {step}: {prefix} metrics"
            : $"Step {step}: {prefix} loss {loss.Value.ToString("0.####", CultureInfo.InvariantCulture)}";
        return new TrainingEvent($"{prefix}-step-{step}", at, "metrics", message, (JsonObject)row.DeepClone());
    }

    /// <summary>The latest figures under Forge's names: loss, step, epoch, learning_rate, and eval_loss from evaluation rows.</summary>
    private static void Latest(JsonObject metrics, JsonObject row, string prefix, long step)
    {
        if (prefix == "eval")
        {
            Set(metrics, "eval_loss", TogetherJson.Number(row, "eval/loss"));
            return;
        }
        Set(metrics, "loss", TogetherJson.Number(row, "train/loss"));
        Set(metrics, "epoch", TogetherJson.Number(row, "train/epoch"));
        Set(metrics, "learning_rate", TogetherJson.Number(row, "train/learning_rate"));
        metrics["step"] = step;
    }

    /// <summary>Progress from the job's own counters (steps, else the latest event's steps, else epochs) and the final figures once it succeeded.</summary>
    private static void JobFigures(JsonObject metrics, JsonObject job, List<JsonObject> events, string status)
    {
        // The furthest step any event reported: later events (uploading, completion) often carry step 0.
        var lastStepEvent = events.Where(e => TogetherJson.Integer(e, "total_steps") is > 0).MaxBy(e => TogetherJson.Integer(e, "step") ?? 0);
        var done = TogetherJson.Integer(job, "steps_completed") ?? TogetherJson.Integer(lastStepEvent, "step");
        var total = TogetherJson.Integer(job, "total_steps") ?? TogetherJson.Integer(lastStepEvent, "total_steps");
        var epochs = TogetherJson.Integer(job, "epochs_completed");
        var totalEpochs = TogetherJson.Integer(job, "n_epochs");
        if (done is { } d && total is > 0)
        {
            metrics["step"] = Math.Max(d, TogetherJson.Integer(metrics, "step") ?? 0);
            metrics["total_steps"] = total;
            metrics["progress"] = Math.Clamp((double)d / total.Value, 0, 1);
        }
        else if (epochs is { } e && totalEpochs is > 0)
        {
            metrics["progress"] = Math.Clamp((double)e / totalEpochs.Value, 0, 1);
        }
        if (epochs is not null && metrics["epoch"] is null)
        {
            metrics["epoch"] = epochs;
        }
        if (status == TrainingState.Succeeded)
        {
            metrics["progress"] = 1.0;
            Set(metrics, "final_loss", TogetherJson.Number(metrics, "loss"));
            Set(metrics, "final_eval_loss", TogetherJson.Number(metrics, "eval_loss"));
            Set(metrics, "trained_tokens", TogetherJson.Integer(job, "token_count"));
        }
    }

    /// <summary>Together reports why a job failed in its events (job_error, job_user_error), not on the job itself.</summary>
    private static string Error(JsonObject job, List<JsonObject> events)
    {
        var failure = events.LastOrDefault(e =>
            TogetherJson.String(e, "type")?.ToLowerInvariant() is "job_error" or "job_user_error"
            || string.Equals(TogetherJson.String(e, "level"), "error", StringComparison.OrdinalIgnoreCase));
        var status = TogetherJson.String(job, "status");
        var message = TogetherJson.String(failure, "message");
        var cause = status == "user_error" ? "a problem with the training data or settings" : "an error";
        return message is null ? $"together stopped the job with {cause} (status {status})" : $"together stopped the job with {cause}: {message}";
    }

    private static void Set(JsonObject metrics, string name, double? value)
    {
        if (value is { } v)
        {
            metrics[name] = v;
        }
    }

    private static void Set(JsonObject metrics, string name, long? value)
    {
        if (value is { } v)
        {
            metrics[name] = v;
        }
    }
}
