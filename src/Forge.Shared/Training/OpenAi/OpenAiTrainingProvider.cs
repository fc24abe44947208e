// The SDK marks its fine-tuning client experimental (OPENAI001) although the REST API under it is stable; the fake
// server in the tests pins the protocol this provider relies on, so an SDK change shows up there first.
#pragma warning disable OPENAI001

using Forge.Shared.Durable;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Files;
using OpenAI.FineTuning;

namespace Forge.Shared.Training.OpenAi;

/// <summary>
/// Trains on OpenAI's fine-tuning API through the official SDK: uploads the export, creates the job (supervised or
/// dpo) tagged with <c>metadata.forge_job</c>, polls it with its events and checkpoints, and cancels it.
/// A legacy provider: OpenAI is winding its self-serve fine-tuning down, so new work should prefer the others.
/// The SDK's own retries are off; the durable engine retries, honouring Retry-After.
/// </summary>
public sealed class OpenAiTrainingProvider(IOptions<OpenAiTrainingOptions> options, TimeProvider timeProvider) : ITrainingProvider
{
    public const string ProviderName = "openai";
    public const string TrainingFileKey = "training_file";

    private readonly Lazy<Clients> clients = new(() => Clients.Create(options.Value));

    public string Name => ProviderName;

    public async Task<TrainingSubmitted> SubmitAsync(TrainingSubmission submission, CancellationToken cancellationToken)
    {
        // Checked before anything is uploaded: a bad setting fails at once and leaves nothing behind at OpenAI.
        var body = OpenAiFineTuneRequest.Create(submission);
        var c = clients.Value;

        if (await CallAsync("GET /fine_tuning/jobs", () => FindJobAsync(c, submission.JobName, cancellationToken), cancellationToken) is { } existing)
        {
            return Submitted(existing.Id, existing.TrainingFile);
        }
        var fileName = $"{submission.JobName}-{submission.Data.FileName}";
        var fileId = await CallAsync("GET /files", () => FindUploadAsync(c.Files, fileName, submission.Data.Bytes, cancellationToken), cancellationToken)
            ?? await CallAsync("POST /files", () => UploadAsync(c.Uploads, fileName, submission.Data, cancellationToken), cancellationToken, upload: true);
        body["training_file"] = fileId;
        using var content = BinaryContent.Create(BinaryData.FromString(body.ToJsonString()));
        var job = await CallAsync(
            "POST /fine_tuning/jobs",
            () => c.FineTuning.FineTuneAsync(content, waitUntilCompleted: false, new RequestOptions { CancellationToken = cancellationToken }),
            cancellationToken);
        return Submitted(job.JobId, fileId);
    }

    public async Task<TrainingSnapshot> GetStatusAsync(TrainingHandle handle, CancellationToken cancellationToken)
    {
        var c = clients.Value;
        var job = await CallAsync("GET /fine_tuning/jobs/{id}", () => c.FineTuning.GetJobAsync(handle.ExternalJobId, cancellationToken), cancellationToken);
        var raw = OpenAiJson.Parse(job.GetRawResponse().Content);
        var cursor = OpenAiJson.String(handle.State, OpenAiSnapshot.LastEventKey);
        var events = await CallAsync("GET /fine_tuning/jobs/{id}/events", () => NewEventsAsync(job, cursor, cancellationToken), cancellationToken);
        var final = OpenAiSnapshot.MapStatus(OpenAiJson.String(raw, "status")) == TrainingState.Succeeded
            ? await CallAsync("GET /fine_tuning/jobs/{id}/checkpoints", () => FinalCheckpointAsync(job, cancellationToken), cancellationToken)
            : null;
        return OpenAiSnapshot.Build(raw, events, final, handle.State);
    }

    public string? Check(TrainingSubmission submission)
    {
        try
        {
            OpenAiFineTuneRequest.Create(submission);
            return null;
        }
        catch (PermanentActivityException refused)
        {
            return refused.Message;
        }
    }

    public async Task CancelAsync(TrainingHandle handle, CancellationToken cancellationToken)
    {
        var c = clients.Value;
        var job = await CallAsync("GET /fine_tuning/jobs/{id}", () => c.FineTuning.GetJobAsync(handle.ExternalJobId, cancellationToken), cancellationToken);
        if (HasEnded(job))
        {
            return;
        }
        try
        {
            await CallAsync("POST /fine_tuning/jobs/{id}/cancel", () => job.CancelAndUpdateAsync(cancellationToken), cancellationToken);
        }
        catch (PermanentActivityException)
        {
            // It ended between our look and the cancel; that is what the caller wanted anyway.
            job = await CallAsync("GET /fine_tuning/jobs/{id}", () => c.FineTuning.GetJobAsync(handle.ExternalJobId, cancellationToken), cancellationToken);
            if (!HasEnded(job))
            {
                throw;
            }
        }
    }

    private static bool HasEnded(FineTuningJob job) =>
        TrainingState.IsTerminal(OpenAiSnapshot.MapStatus(OpenAiJson.String(OpenAiJson.Parse(job.GetRawResponse().Content), "status")));

    /// <summary>The job this job name created, found by its metadata with the documented <c>metadata[k]=v</c> filter (not in the typed SDK).</summary>
    private static async Task<(string Id, string? TrainingFile)?> FindJobAsync(Clients c, string jobName, CancellationToken cancellationToken)
    {
        var pipeline = c.FineTuning.Pipeline;
        using var message = pipeline.CreateMessage();
        message.Request.Method = "GET";
        message.Request.Uri = new Uri(
            $"{c.BaseUrl}/fine_tuning/jobs?limit=100&metadata%5B{OpenAiFineTuneRequest.JobNameMetadataKey}%5D={Uri.EscapeDataString(jobName)}");
        message.Request.Headers.Set("Accept", "application/json");
        message.Apply(new RequestOptions { CancellationToken = cancellationToken });
        await pipeline.SendAsync(message);
        var response = message.Response!;
        if (response.IsError)
        {
            throw await ClientResultException.CreateAsync(response);
        }
        // Checked again here: a compatible server that ignores the filter must not hand us someone else's job.
        var job = ((OpenAiJson.Parse(response.Content)["data"] as JsonArray) ?? []).OfType<JsonObject>()
            .FirstOrDefault(j => OpenAiJson.String(j["metadata"] as JsonObject, OpenAiFineTuneRequest.JobNameMetadataKey) == jobName);
        return OpenAiJson.String(job, "id") is { } id ? (id, OpenAiJson.String(job, "training_file")) : null;
    }

    /// <summary>An upload an earlier attempt made under this job's name (it crashed before creating the job), so it is not uploaded twice.</summary>
    private static async Task<string?> FindUploadAsync(OpenAIFileClient files, string fileName, long bytes, CancellationToken cancellationToken)
    {
        var list = (await files.GetFilesAsync(FilePurpose.FineTune, cancellationToken)).Value;
        return list.LastOrDefault(f => f.Filename == fileName && f.SizeInBytesLong == bytes)?.Id;
    }

    private static async Task<string> UploadAsync(OpenAIFileClient files, string fileName, TrainingData data, CancellationToken cancellationToken)
    {
        await using var stream = await data.OpenReadAsync(cancellationToken);
        return (await files.UploadFileAsync(stream, fileName, FileUploadPurpose.FineTune, cancellationToken)).Value.Id;
    }

    /// <summary>The events after <paramref name="cursor"/>, oldest first; OpenAI pages from the newest backwards, so reading stops at the cursor.</summary>
    private static async Task<IReadOnlyList<OpenAiEvent>> NewEventsAsync(FineTuningJob job, string? cursor, CancellationToken cancellationToken)
    {
        var events = new List<OpenAiEvent>();
        await foreach (var e in job.GetEventsAsync(new GetEventsOptions { PageSize = 100 }, cancellationToken))
        {
            if (e.Id == cursor)
            {
                break;
            }
            var data = e.Data is { } bytes && bytes.ToMemory().Length > 0 ? JsonNode.Parse(bytes.ToString()) as JsonObject : null;
            events.Add(new OpenAiEvent(e.Id, e.CreatedAt, e.Kind?.ToString() ?? "message", e.Message ?? "", data));
        }
        events.Reverse();
        return events;
    }

    /// <summary>The metrics of the job's latest checkpoint (OpenAI keeps the last few), under OpenAI's names.</summary>
    private static async Task<JsonObject?> FinalCheckpointAsync(FineTuningJob job, CancellationToken cancellationToken)
    {
        FineTuningCheckpoint? last = null;
        await foreach (var checkpoint in job.GetCheckpointsAsync(new GetCheckpointsOptions { PageSize = 10 }, cancellationToken))
        {
            last = last is null || checkpoint.StepNumber > last.StepNumber ? checkpoint : last;
        }
        if (last?.Metrics is not { } m)
        {
            return null;
        }
        var metrics = new JsonObject { ["step"] = last.StepNumber };
        void Add(string name, float? value)
        {
            if (value is { } v)
            {
                // The SDK reads these as float; through its shortest text 0.9f stays 0.9 instead of becoming 0.8999999761581421.
                metrics[name] = double.Parse(v.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            }
        }
        Add("train_loss", m.TrainLoss);
        Add("train_mean_token_accuracy", m.TrainMeanTokenAccuracy);
        Add("valid_loss", m.ValidLoss);
        Add("full_valid_loss", m.FullValidLoss);
        return metrics;
    }

    private static TrainingSubmitted Submitted(string jobId, string? fileId) =>
        new(jobId, fileId is null ? [] : new JsonObject { [TrainingFileKey] = fileId });

    private Task<T> CallAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken, bool upload = false) =>
        OpenAiTrainingFailure.CallAsync(
            what,
            TimeSpan.FromSeconds(upload ? options.Value.UploadTimeoutSeconds : options.Value.RequestTimeoutSeconds),
            call,
            timeProvider,
            cancellationToken);

    /// <summary>The SDK's clients; uploads get their own, with the longer timeout.</summary>
    private sealed record Clients(FineTuningClient FineTuning, OpenAIFileClient Files, OpenAIFileClient Uploads, string BaseUrl)
    {
        public static Clients Create(OpenAiTrainingOptions options)
        {
            if (string.IsNullOrWhiteSpace(options.ApiKey))
            {
                throw new PermanentActivityException($"openai has no API key (set {OpenAiTrainingOptions.SectionName}:ApiKey)");
            }
            var baseUrl = options.BaseUrl.TrimEnd('/');
            var main = new OpenAIClient(new ApiKeyCredential(options.ApiKey), ClientOptions(baseUrl, options.RequestTimeoutSeconds));
            var uploads = new OpenAIClient(new ApiKeyCredential(options.ApiKey), ClientOptions(baseUrl, options.UploadTimeoutSeconds));
            return new Clients(main.GetFineTuningClient(), main.GetOpenAIFileClient(), uploads.GetOpenAIFileClient(), baseUrl);
        }

        private static OpenAIClientOptions ClientOptions(string baseUrl, int timeoutSeconds) => new()
        {
            Endpoint = new Uri(baseUrl),
            NetworkTimeout = TimeSpan.FromSeconds(timeoutSeconds),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
    }
}
