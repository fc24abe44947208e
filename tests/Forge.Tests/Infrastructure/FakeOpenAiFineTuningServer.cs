using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// An in-process server speaking OpenAI's files and fine-tuning API: <c>POST|GET /v1/files</c>,
/// <c>POST|GET /v1/fine_tuning/jobs</c> (with the <c>metadata[k]=v</c> filter), <c>GET /v1/fine_tuning/jobs/{id}</c>
/// (which moves the job one step along its <see cref="FakeOpenAiStep"/> script), <c>/events</c> and <c>/checkpoints</c>
/// (newest first, paged with <c>after</c> and <c>limit</c>) and <c>POST .../cancel</c>. It records every request and
/// fails the next request to a route when told to (<see cref="FailNext"/>), with <see cref="FakeTrainingFailure"/>.
/// </summary>
public sealed class FakeOpenAiFineTuningServer : IAsyncDisposable
{
    public const string ApiKey = "sk-fine-tuning-test";

    private readonly ConcurrentQueue<FakeTrainingRequest> requests = new();
    private readonly FakeTrainingFailures failures = new(Error);
    private readonly List<FakeTrainingFile> files = [];
    private readonly List<FakeOpenAiJob> jobs = [];
    private readonly Lock gate = new();

    private FakeHttpHost host = null!;

    private FakeOpenAiFineTuningServer()
    {
    }

    /// <summary>The API root to configure as BaseUrl: <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The steps each new job goes through, one per <c>GET /v1/fine_tuning/jobs/{id}</c>.</summary>
    public IReadOnlyList<FakeOpenAiStep> Script { get; set; } = FakeOpenAiStep.Succeeds();

    /// <summary>False ignores <c>metadata[k]=v</c> on the jobs list, as an OpenAI-compatible server without that filter.</summary>
    public bool FiltersByMetadata { get; set; } = true;

    public IReadOnlyList<FakeTrainingRequest> Requests => [.. requests];

    public IReadOnlyList<FakeTrainingFile> Files { get { lock (gate) { return [.. files]; } } }

    public IReadOnlyList<FakeOpenAiJob> Jobs { get { lock (gate) { return [.. jobs]; } } }

    public static async Task<FakeOpenAiFineTuningServer> StartAsync(int port = 0)
    {
        var server = new FakeOpenAiFineTuningServer();
        server.host = await FakeHttpHost.StartAsync(server.HandleAsync, port);
        server.BaseUrl = server.host.Under("/v1");
        return server;
    }

    /// <summary>The next request to <paramref name="route"/> (a <see cref="FakeOpenAiRoute"/>) gets <paramref name="failure"/>.</summary>
    public void FailNext(string route, FakeTrainingFailure failure) => failures.Add(route, failure);

    /// <summary>A job someone else made on the same account, with its own metadata.</summary>
    public FakeOpenAiJob AddJob(JsonObject metadata, string status = "succeeded")
    {
        lock (gate)
        {
            var job = new FakeOpenAiJob(new JsonObject { ["model"] = "gpt-4o-mini-2024-07-18", ["metadata"] = metadata, ["training_file"] = "file-other" }, []) { Status = status };
            jobs.Add(job);
            return job;
        }
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = await FakeTrainingRequest.ReadAsync(context);
        requests.Enqueue(request);
        if (context.Request.Headers.Authorization != $"Bearer {ApiKey}")
        {
            await FakeHttpHost.WriteJsonAsync(context, 401, Error("Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_api_key"));
            return;
        }
        var (route, id) = Route(context.Request.Method, request.Path);
        await failures.RespondAsync(context, route, () => Handle(route, id, request));
    }

    private (int Status, JsonObject Body) Handle(string route, string? id, FakeTrainingRequest request)
    {
        lock (gate)
        {
            var job = id is null ? null : jobs.FirstOrDefault(j => j.Id == id);
            if (id is not null && job is null)
            {
                return (404, Error($"Could not find fine-tune: {id}", "fine_tune_not_found"));
            }
            switch (route)
            {
                case FakeOpenAiRoute.Upload:
                    var file = new FakeTrainingFile($"file-{Guid.NewGuid():N}", request.FileName ?? "", request.Form["purpose"], null, request.FileContent ?? []);
                    files.Add(file);
                    return (200, FileJson(file));
                case FakeOpenAiRoute.Files:
                    var purpose = request.Query.GetValueOrDefault("purpose");
                    return (200, Page(files.Where(f => purpose is null || f.Purpose == purpose).Select(FileJson).ToList(), null, 10000));
                case FakeOpenAiRoute.Create:
                    var created = new FakeOpenAiJob(request.Body!, Script);
                    jobs.Add(created);
                    return (200, created.ToJson());
                case FakeOpenAiRoute.List:
                    var filters = request.Query.Where(q => q.Key.StartsWith("metadata[", StringComparison.Ordinal))
                        .Select(q => (Key: q.Key["metadata[".Length..^1], q.Value)).ToList();
                    var matching = jobs.AsEnumerable().Reverse()
                        .Where(j => !FiltersByMetadata || filters.All(f => (string?)(j.Request["metadata"] as JsonObject)?[f.Key] == f.Value));
                    return (200, Page([.. matching.Select(j => j.ToJson())], request.Query.GetValueOrDefault("after"), Limit(request, 20)));
                case FakeOpenAiRoute.Get:
                    job!.Advance();
                    return (200, job.ToJson());
                case FakeOpenAiRoute.Events:
                    return (200, Page([.. job!.Events.AsEnumerable().Reverse().Select(e => e.DeepClone().AsObject())], request.Query.GetValueOrDefault("after"), Limit(request, 20)));
                case FakeOpenAiRoute.Checkpoints:
                    return (200, Page([.. job!.Checkpoints.AsEnumerable().Reverse().Select(c => c.DeepClone().AsObject())], request.Query.GetValueOrDefault("after"), Limit(request, 10)));
                case FakeOpenAiRoute.Cancel:
                    if (job!.Status is "succeeded" or "failed" or "cancelled")
                    {
                        return (400, Error($"Job {job.Id} has already {job.Status}; it cannot be cancelled.", "invalid_request_error"));
                    }
                    job.Cancel();
                    return (200, job.ToJson());
                default:
                    return (404, Error($"Invalid URL ({request.Method} {request.Path})", "unknown_url"));
            }
        }
    }

    private static (string Route, string? Id) Route(string method, string path) => (method, path.Trim('/').Split('/')) switch
    {
        ("POST", ["v1", "files"]) => (FakeOpenAiRoute.Upload, null),
        ("GET", ["v1", "files"]) => (FakeOpenAiRoute.Files, null),
        ("POST", ["v1", "fine_tuning", "jobs"]) => (FakeOpenAiRoute.Create, null),
        ("GET", ["v1", "fine_tuning", "jobs"]) => (FakeOpenAiRoute.List, null),
        ("GET", ["v1", "fine_tuning", "jobs", var id]) => (FakeOpenAiRoute.Get, id),
        ("GET", ["v1", "fine_tuning", "jobs", var id, "events"]) => (FakeOpenAiRoute.Events, id),
        ("GET", ["v1", "fine_tuning", "jobs", var id, "checkpoints"]) => (FakeOpenAiRoute.Checkpoints, id),
        ("POST", ["v1", "fine_tuning", "jobs", var id, "cancel"]) => (FakeOpenAiRoute.Cancel, id),
        _ => ("unknown", null),
    };

    private static int Limit(FakeTrainingRequest request, int fallback) =>
        int.TryParse(request.Query.GetValueOrDefault("limit"), CultureInfo.InvariantCulture, out var limit) ? limit : fallback;

    /// <summary>OpenAI's cursor page: the items after the one named by <paramref name="after"/>, in the list's order.</summary>
    private static JsonObject Page(IReadOnlyList<JsonObject> all, string? after, int limit)
    {
        var start = after is null ? 0 : all.ToList().FindIndex(i => (string?)i["id"] == after) + 1;
        var page = all.Skip(start).Take(limit).ToList();
        return new JsonObject
        {
            ["object"] = "list", ["data"] = new JsonArray([.. page]), ["has_more"] = start + page.Count < all.Count,
            ["first_id"] = page.FirstOrDefault()?["id"]?.DeepClone(), ["last_id"] = page.LastOrDefault()?["id"]?.DeepClone(),
        };
    }

    private static JsonObject FileJson(FakeTrainingFile file) => new()
    {
        ["object"] = "file", ["id"] = file.Id, ["purpose"] = file.Purpose, ["filename"] = file.FileName, ["bytes"] = file.Content.Length,
        ["created_at"] = 1732269600, ["expires_at"] = null, ["status"] = "processed", ["status_details"] = null,
    };

    private static JsonObject Error(string message, string code) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = null, ["code"] = code } };
}

public static class FakeOpenAiRoute
{
    public const string Upload = "upload";
    public const string Files = "files";
    public const string Create = "create";
    public const string List = "list";
    public const string Get = "get";
    public const string Events = "events";
    public const string Checkpoints = "checkpoints";
    public const string Cancel = "cancel";
}

/// <summary>One step of an OpenAI job's life: its status, and the events, checkpoints or error it adds.</summary>
public sealed record FakeOpenAiStep(string Status)
{
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>Metrics events as (step, total steps, train loss).</summary>
    public IReadOnlyList<(int Step, int Total, double Loss)> Metrics { get; init; } = [];

    public IReadOnlyList<(int Step, double TrainLoss, double ValidLoss)> Checkpoints { get; init; } = [];

    public (string Code, string Message, string? Param)? Error { get; init; }

    public static IReadOnlyList<FakeOpenAiStep> Succeeds() =>
    [
        new("validating_files") { Messages = ["Validating training file"] },
        new("queued") { Messages = ["Files validated, moving job to queued state"] },
        new("running") { Messages = ["Fine-tuning job started"], Metrics = [(1, 4, 2.1), (2, 4, 1.7)], Checkpoints = [(2, 1.7, 1.8)] },
        new("running") { Metrics = [(3, 4, 1.2), (4, 4, 0.9)], Checkpoints = [(4, 0.9, 1.05)] },
        new("succeeded") { Messages = ["New fine-tuned model created", "The job has successfully completed"] },
    ];

    public static IReadOnlyList<FakeOpenAiStep> Fails() =>
    [
        new("validating_files") { Messages = ["Validating training file"] },
        new("failed")
        {
            Error = ("invalid_training_file", "The job failed due to an invalid training file. Line 3 has no messages.", "training_file"),
        },
    ];

    public static IReadOnlyList<FakeOpenAiStep> Statuses(params string[] statuses) => [.. statuses.Select(s => new FakeOpenAiStep(s))];
}

/// <summary>A job at the fake; <see cref="Advance"/> moves it one step along its script.</summary>
public sealed class FakeOpenAiJob(JsonObject request, IReadOnlyList<FakeOpenAiStep> script)
{
    private static readonly long Start = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private int position = -1;
    private (string Code, string Message, string? Param)? error;

    public string Id { get; } = $"ftjob-{Guid.NewGuid():N}"[..30];

    public JsonObject Request { get; } = request;

    public string Status { get; set; } = "validating_files";

    public List<JsonObject> Events { get; } = [];

    public List<JsonObject> Checkpoints { get; } = [];

    public string FineTunedModel => $"ft:{(string?)Request["model"]}:forge-tests:{(string?)Request["suffix"]}:{Id[6..14]}";

    public void Advance()
    {
        if (Status == "cancelled" || position >= script.Count - 1)
        {
            return;
        }
        var step = script[++position];
        Status = step.Status;
        foreach (var message in step.Messages)
        {
            Event("message", message, new JsonObject());
        }
        foreach (var (at, total, loss) in step.Metrics)
        {
            Event("metrics", string.Create(CultureInfo.InvariantCulture, $"Step {at}/{total}: training loss={loss:0.0000}"), new JsonObject
            {
                ["step"] = at, ["train_loss"] = loss, ["total_steps"] = total, ["train_mean_token_accuracy"] = 0.8,
            });
        }
        foreach (var (at, trainLoss, validLoss) in step.Checkpoints)
        {
            Checkpoints.Add(new JsonObject
            {
                ["object"] = "fine_tuning.job.checkpoint", ["id"] = $"ftckpt_{Guid.NewGuid():N}"[..24], ["created_at"] = Start + at,
                ["fine_tuned_model_checkpoint"] = $"{FineTunedModel}:ckpt-step-{at}", ["fine_tuning_job_id"] = Id, ["step_number"] = at,
                ["metrics"] = new JsonObject
                {
                    ["step"] = at, ["train_loss"] = trainLoss, ["train_mean_token_accuracy"] = 0.8, ["valid_loss"] = validLoss,
                    ["valid_mean_token_accuracy"] = 0.7, ["full_valid_loss"] = validLoss + 0.01, ["full_valid_mean_token_accuracy"] = 0.7,
                },
            });
        }
        error = step.Error ?? error;
    }

    public void Cancel()
    {
        Status = "cancelled";
        Event("message", "Fine-tuning job cancelled", new JsonObject());
    }

    public JsonObject ToJson()
    {
        var started = Status is not ("validating_files" or "queued");
        var method = Request["method"]?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "supervised", ["supervised"] = new JsonObject() };
        var type = (string)method["type"]!;
        var given = ((method[type] as JsonObject)?["hyperparameters"] as JsonObject) ?? [];
        // OpenAI echoes "auto" until the job starts, then reports the values it chose.
        JsonNode? Value(string name, JsonNode chosen) => given[name] is { } value && value.ToJsonString() != "\"auto\"" ? value.DeepClone() : started ? chosen : "auto";
        var hyperparameters = new JsonObject { ["n_epochs"] = Value("n_epochs", 3), ["batch_size"] = Value("batch_size", 1), ["learning_rate_multiplier"] = Value("learning_rate_multiplier", 1.8) };
        if (type == "dpo")
        {
            hyperparameters["beta"] = Value("beta", 0.1);
        }
        method[type] = new JsonObject { ["hyperparameters"] = hyperparameters.DeepClone() };
        var succeeded = Status == "succeeded";
        return new JsonObject
        {
            ["object"] = "fine_tuning.job", ["id"] = Id, ["model"] = Request["model"]?.DeepClone(), ["created_at"] = Start,
            ["finished_at"] = Status is "succeeded" or "failed" or "cancelled" ? Start + 600 : null,
            ["fine_tuned_model"] = succeeded ? FineTunedModel : null, ["organization_id"] = "org-forge-tests", ["result_files"] = new JsonArray(),
            ["status"] = Status, ["validation_file"] = null, ["training_file"] = Request["training_file"]?.DeepClone(),
            ["hyperparameters"] = hyperparameters, ["trained_tokens"] = succeeded ? 48_000 : null,
            ["error"] = error is var (code, message, param) ? new JsonObject { ["code"] = code, ["message"] = message, ["param"] = param } : null,
            ["user_provided_suffix"] = Request["suffix"]?.DeepClone(), ["seed"] = Request["seed"]?.DeepClone() ?? 1234,
            ["estimated_finish"] = null, ["integrations"] = new JsonArray(), ["metadata"] = Request["metadata"]?.DeepClone(), ["method"] = method,
        };
    }

    private void Event(string type, string message, JsonObject data) => Events.Add(new JsonObject
    {
        ["object"] = "fine_tuning.job.event", ["id"] = $"ftevent-{Guid.NewGuid():N}"[..32], ["created_at"] = Start + Events.Count,
        ["level"] = "info", ["message"] = message, ["data"] = data, ["type"] = type,
    });
}
