using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// An in-process server speaking Together's fine-tuning API: <c>POST /v1/files/upload</c> (multipart), <c>GET /v1/files</c>,
/// <c>POST|GET /v1/fine-tunes</c>, <c>GET /v1/fine-tunes/{id}</c> (which moves the job one step along its
/// <see cref="FakeTogetherStep"/> script), <c>/events</c>, <c>/metrics</c> and <c>POST .../cancel</c>.
/// It records every request, and fails the next request to a route when told to (<see cref="FailNext"/>).
/// </summary>
public sealed class FakeTogetherServer : IAsyncDisposable
{
    public const string ApiKey = "together-test-key";

    private readonly ConcurrentQueue<FakeTrainingRequest> requests = new();
    private readonly FakeTrainingFailures failures = new(Error);
    private readonly List<FakeTrainingFile> files = [];
    private readonly List<FakeTogetherJob> jobs = [];
    private readonly Lock gate = new();
    private FakeHttpHost host = null!;
    private long ids;

    private FakeTogetherServer()
    {
    }

    /// <summary>The API root to configure as BaseUrl: <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The steps each new job goes through, one per <c>GET /v1/fine-tunes/{id}</c>.</summary>
    public IReadOnlyList<FakeTogetherStep> Script { get; set; } = FakeTogetherStep.Succeeds();

    /// <summary>False answers <c>/metrics</c> with 404, as a deployment from before that endpoint.</summary>
    public bool HasMetricsEndpoint { get; set; } = true;

    public IReadOnlyList<FakeTrainingRequest> Requests => [.. requests];

    public IReadOnlyList<FakeTrainingFile> Files { get { lock (gate) { return [.. files]; } } }

    public IReadOnlyList<FakeTogetherJob> Jobs { get { lock (gate) { return [.. jobs]; } } }

    public static async Task<FakeTogetherServer> StartAsync(int port = 0)
    {
        var server = new FakeTogetherServer();
        server.host = await FakeHttpHost.StartAsync(server.HandleAsync, port);
        server.BaseUrl = server.host.Under("/v1");
        return server;
    }

    /// <summary>The next request to <paramref name="route"/> (a <see cref="FakeTogetherRoute"/>) gets <paramref name="failure"/>.</summary>
    public void FailNext(string route, FakeTrainingFailure failure) => failures.Add(route, failure);

    /// <summary>A job someone else made on the same account, to show it is never taken for ours.</summary>
    public FakeTogetherJob AddJob(string suffix, string status = "completed")
    {
        lock (gate)
        {
            var job = new FakeTogetherJob($"ft-{Interlocked.Increment(ref ids):x8}-other", new JsonObject { ["model"] = "other/model", ["suffix"] = suffix }, [], DateTime.UtcNow)
            {
                Status = status,
            };
            jobs.Add(job);
            return job;
        }
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var request = await FakeTrainingRequest.ReadAsync(context);
        requests.Enqueue(request);
        if (context.Request.Headers.Authorization != $"Bearer {ApiKey}")
        {
            await FakeHttpHost.WriteJsonAsync(context, 401, Error("Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys.", "invalid_api_key"));
            return;
        }
        var (route, id) = Route(context.Request.Method, path);
        await failures.RespondAsync(context, route, () => Handle(route, id, request));
    }

    private (int Status, JsonObject Body) Handle(string route, string? id, FakeTrainingRequest request)
    {
        lock (gate)
        {
            var job = id is null ? null : jobs.FirstOrDefault(j => j.Id == id);
            if (id is not null && job is null)
            {
                return (404, Error($"Fine-tune job {id} not found", "not_found"));
            }
            switch (route)
            {
                case FakeTogetherRoute.Upload:
                    var file = new FakeTrainingFile($"file-{Guid.NewGuid()}", request.Form["file_name"], request.Form["purpose"], request.Form.GetValueOrDefault("file_type"), request.FileContent ?? []);
                    files.Add(file);
                    return (200, file.ToJson());
                case FakeTogetherRoute.Files:
                    return (200, new JsonObject { ["object"] = "list", ["data"] = new JsonArray([.. files.Select(f => f.ToJson())]) });
                case FakeTogetherRoute.Create:
                    var created = new FakeTogetherJob($"ft-{Guid.NewGuid()}", request.Body!, Script, DateTime.UtcNow);
                    jobs.Add(created);
                    return (200, created.ToJson(truncated: true));
                case FakeTogetherRoute.List:
                    return (200, new JsonObject { ["data"] = new JsonArray([.. jobs.Select(j => j.ToJson(truncated: true))]) });
                case FakeTogetherRoute.Get:
                    job!.Advance();
                    return (200, job.ToJson(truncated: false));
                case FakeTogetherRoute.Events:
                    return (200, new JsonObject { ["object"] = "list", ["data"] = new JsonArray([.. job!.Events.Select(e => e.DeepClone())]) });
                case FakeTogetherRoute.Metrics when HasMetricsEndpoint:
                    var from = long.TryParse(request.Query.GetValueOrDefault("global_step_from"), CultureInfo.InvariantCulture, out var f) ? f : 0;
                    var rows = job!.MetricRows.Where(r => ((long?)r["train/global_step"] ?? (long?)r["eval/global_step"] ?? 0) >= from);
                    return (200, new JsonObject { ["metrics"] = new JsonArray([.. rows.Select(r => r.DeepClone())]) });
                case FakeTogetherRoute.Cancel:
                    if (job!.Status is "completed" or "error" or "user_error" or "cancelled")
                    {
                        return (400, Error($"Cannot cancel job {job.Id} with status {job.Status}", "invalid_request_error"));
                    }
                    job.RequestCancel();
                    return (200, job.ToJson(truncated: true));
                default:
                    return (404, Error($"Unknown request URL: {request.Method} {request.Path}", "not_found"));
            }
        }
    }

    private static (string Route, string? Id) Route(string method, string path)
    {
        var parts = path.Trim('/').Split('/');
        return (method, parts) switch
        {
            ("POST", ["v1", "files", "upload"]) => (FakeTogetherRoute.Upload, null),
            ("GET", ["v1", "files"]) => (FakeTogetherRoute.Files, null),
            ("POST", ["v1", "fine-tunes"]) => (FakeTogetherRoute.Create, null),
            ("GET", ["v1", "fine-tunes"]) => (FakeTogetherRoute.List, null),
            ("GET", ["v1", "fine-tunes", var id]) => (FakeTogetherRoute.Get, id),
            ("GET", ["v1", "fine-tunes", var id, "events"]) => (FakeTogetherRoute.Events, id),
            ("GET", ["v1", "fine-tunes", var id, "metrics"]) => (FakeTogetherRoute.Metrics, id),
            ("POST", ["v1", "fine-tunes", var id, "cancel"]) => (FakeTogetherRoute.Cancel, id),
            _ => ("unknown", null),
        };
    }

    /// <summary>Together's error shape (<c>ErrorData</c>), the same as OpenAI's.</summary>
    private static JsonObject Error(string message, string code) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = code, ["param"] = null, ["code"] = code } };
}

public static class FakeTogetherRoute
{
    public const string Upload = "upload";
    public const string Files = "files";
    public const string Create = "create";
    public const string List = "list";
    public const string Get = "get";
    public const string Events = "events";
    public const string Metrics = "metrics";
    public const string Cancel = "cancel";
}

/// <summary>One request as a fake training provider received it: the JSON body, or the form fields and file of an upload.</summary>
public sealed record FakeTrainingRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    JsonObject? Body,
    IReadOnlyDictionary<string, string> Form,
    string? FileName,
    byte[]? FileContent)
{
    public static async Task<FakeTrainingRequest> ReadAsync(HttpContext context)
    {
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync();
            using var content = new MemoryStream();
            var file = form.Files.GetFile("file");
            if (file is not null)
            {
                await file.CopyToAsync(content);
            }
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
            return new(context.Request.Method, context.Request.Path, query, null, fields, file?.FileName, file is null ? null : content.ToArray());
        }
        var text = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var body = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
        return new(context.Request.Method, context.Request.Path, query, body, new Dictionary<string, string>(), null, null);
    }
}

/// <summary>An uploaded file at a fake training provider, with the bytes it received.</summary>
public sealed record FakeTrainingFile(string Id, string FileName, string Purpose, string? FileType, byte[] Content)
{
    public JsonObject ToJson() => new()
    {
        ["id"] = Id, ["object"] = "file", ["created_at"] = 1715021438, ["filename"] = FileName, ["bytes"] = Content.Length,
        ["purpose"] = Purpose, ["Processed"] = true, ["FileType"] = FileType ?? "jsonl", ["LineCount"] = Content.Count(b => b == '\n'),
    };
}

/// <summary>One step of a job's life: its status then, and what it adds to the events, metrics and counters.</summary>
public sealed record FakeTogetherStep(string Status)
{
    /// <summary>Events as (type, message, step); Together's event types are lower-case in its OpenAPI document.</summary>
    public IReadOnlyList<(string Type, string Message, int? Step)> Events { get; init; } = [];

    /// <summary>Rows of <c>/metrics</c>: train rows (step, loss, epoch), and an eval row when EvalLoss is set.</summary>
    public IReadOnlyList<(long Step, double Loss, double Epoch)> Train { get; init; } = [];

    public (long Step, double Loss)? Eval { get; init; }

    public (long Done, long Total)? Steps { get; init; }

    public int? EpochsCompleted { get; init; }

    public static IReadOnlyList<FakeTogetherStep> Succeeds() =>
    [
        new("queued") { Events = [("job_pending", "Fine tune request created", null)] },
        new("running")
        {
            Events = [("job_start", "Job started", null), ("training_start", "Training started for model base/model", null)],
            Train = [(1, 2.1, 0.5), (2, 1.7, 1.0)], Steps = (2, 4), EpochsCompleted = 1,
        },
        new("running")
        {
            Events = [("epoch_complete", "Epoch completed, at step 4", 4)],
            Train = [(3, 1.2, 1.5), (4, 0.9, 2.0)], Eval = (4, 1.05), Steps = (4, 4), EpochsCompleted = 2,
        },
        new("uploading") { Events = [("model_uploading", "Uploading output model", null)] },
        new("completed") { Events = [("job_complete", "Job finished at 2026-11-22 10:00:00", null)] },
    ];

    public static IReadOnlyList<FakeTogetherStep> Fails(string status = "error", string type = "job_error", string message = "CUDA out of memory on worker") =>
    [
        new("queued") { Events = [("job_pending", "Fine tune request created", null)] },
        new("running") { Events = [("job_start", "Job started", null)] },
        new(status) { Events = [(type, message, null)] },
    ];

    /// <summary>A job that only moves through these statuses, one per poll.</summary>
    public static IReadOnlyList<FakeTogetherStep> Statuses(params string[] statuses) => [.. statuses.Select(s => new FakeTogetherStep(s))];
}

/// <summary>A job at the fake; <see cref="Advance"/> moves it one step along its script.</summary>
public sealed class FakeTogetherJob(string id, JsonObject request, IReadOnlyList<FakeTogetherStep> script, DateTime createdAt)
{
    private int position = -1;
    private bool cancelling;

    public string Id { get; } = id;

    public JsonObject Request { get; } = request;

    public string Status { get; set; } = "pending";

    public List<JsonObject> Events { get; } = [];

    public List<JsonObject> MetricRows { get; } = [];

    public (long Done, long Total)? Steps { get; private set; }

    public int? EpochsCompleted { get; private set; }

    public string OutputName => $"forge-tests/{((string?)Request["model"])?.Split('/')[^1]}-{(string?)Request["suffix"]}-{Id[3..11]}";

    public void Advance()
    {
        if (cancelling)
        {
            Status = "cancelled";
            Event("job_stopped", "Job stopped after a cancel request", null);
            cancelling = false;
            return;
        }
        if (Status == "cancelled" || position >= script.Count - 1)
        {
            return;
        }
        var step = script[++position];
        Status = step.Status;
        foreach (var (type, message, at) in step.Events)
        {
            Event(type, message, at);
        }
        foreach (var (at, loss, epoch) in step.Train)
        {
            MetricRows.Add(new JsonObject
            {
                ["timestamp"] = 1779196193564587000 + at * 1_000_000_000, ["train/global_step"] = at, ["train/epoch"] = epoch,
                ["train/loss"] = loss, ["train/learning_rate"] = 1e-5, ["train/grad_norm"] = 1.2,
            });
        }
        if (step.Eval is var (evalStep, evalLoss))
        {
            MetricRows.Add(new JsonObject { ["timestamp"] = 1779196193564587000 + evalStep * 1_000_000_000, ["eval/global_step"] = evalStep, ["eval/loss"] = evalLoss });
        }
        Steps = step.Steps ?? Steps;
        EpochsCompleted = step.EpochsCompleted ?? EpochsCompleted;
    }

    public void RequestCancel()
    {
        Status = "cancel_requested";
        cancelling = true;
        Event("cancel_requested", "Cancel requested by user", null);
    }

    public JsonObject ToJson(bool truncated)
    {
        var json = new JsonObject
        {
            ["id"] = Id, ["status"] = Status, ["created_at"] = createdAt.ToString("O"), ["updated_at"] = createdAt.ToString("O"),
            ["model"] = Request["model"]?.DeepClone(), ["model_output_name"] = OutputName, ["suffix"] = Request["suffix"]?.DeepClone(),
            ["training_file"] = Request["training_file"]?.DeepClone(), ["n_epochs"] = Request["n_epochs"]?.DeepClone() ?? 1,
            ["learning_rate"] = Request["learning_rate"]?.DeepClone() ?? 0.00001, ["token_count"] = 123456, ["total_price"] = 1500,
            ["training_method"] = Request["training_method"]?.DeepClone(), ["training_type"] = Request["training_type"]?.DeepClone(),
        };
        if (!truncated)
        {
            json["events"] = new JsonArray([.. Events.Select(e => e.DeepClone())]);
            json["epochs_completed"] = EpochsCompleted;
            json["steps_completed"] = Steps?.Done;
            json["total_steps"] = Steps?.Total;
        }
        return json;
    }

    private void Event(string type, string message, int? step) => Events.Add(new JsonObject
    {
        ["object"] = "fine-tune-event", ["created_at"] = createdAt.AddSeconds(Events.Count).ToString("O"),
        ["level"] = type.Contains("error", StringComparison.Ordinal) ? "error" : "info", ["message"] = message, ["type"] = type,
        ["param_count"] = 0, ["token_count"] = 0, ["total_steps"] = Steps?.Total ?? 0, ["wandb_url"] = "", ["step"] = step ?? 0,
        ["checkpoint_path"] = "", ["model_path"] = "", ["training_offset"] = 0, ["hash"] = Guid.NewGuid().ToString("N"),
    });
}
