using Forge.Shared.Durable;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Forge.Shared.Training.Together;

/// <summary>
/// Trains on Together AI through its fine-tuning REST API: uploads the export (<c>POST /files/upload</c>), creates
/// the job (<c>POST /fine-tunes</c>), polls it with its events and metrics, and cancels it.
/// Together has no idempotency key, so the job carries a suffix derived from the job name and a submission first
/// looks for a job with that suffix; the upload is named after the job too, so a retry after a lost answer reuses it.
/// </summary>
public sealed class TogetherTrainingProvider(IHttpClientFactory httpClientFactory, IOptions<TogetherTrainingOptions> options, TimeProvider timeProvider)
    : ITrainingProvider
{
    public const string ProviderName = "together";

    /// <summary>The named client this provider asks <see cref="IHttpClientFactory"/> for; its timeout is set per call.</summary>
    public const string HttpClientName = "Forge.Training.Together";

    public const string TrainingFileKey = "training_file";
    public const string SuffixKey = "suffix";

    public string Name => ProviderName;

    public async Task<TrainingSubmitted> SubmitAsync(TrainingSubmission submission, CancellationToken cancellationToken)
    {
        // Checked before anything is uploaded: a bad setting fails at once and leaves nothing behind at Together.
        var body = TogetherFineTuneRequest.Create(submission);
        var suffix = body["suffix"]!.GetValue<string>();
        var api = Api();

        var jobs = await api.GetAsync("fine-tunes", cancellationToken);
        if (TogetherJson.Data(jobs).FirstOrDefault(job => IsOurs(job, suffix)) is { } existing)
        {
            return Submitted(existing, TogetherJson.String(existing, "training_file"), suffix);
        }

        var fileName = UploadName(submission);
        var fileId = await FindUploadAsync(api, fileName, submission.Data.Bytes, cancellationToken)
            ?? TogetherJson.String(await api.UploadAsync(fileName, submission.Data, cancellationToken), "id")
            ?? throw new RetryableActivityException("together answered the upload without a file id");
        body["training_file"] = fileId;
        var created = await api.PostAsync("fine-tunes", body, cancellationToken);
        return Submitted(created, fileId, suffix);
    }

    public async Task<TrainingSnapshot> GetStatusAsync(TrainingHandle handle, CancellationToken cancellationToken)
    {
        var api = Api();
        var id = Uri.EscapeDataString(handle.ExternalJobId);
        var job = await api.GetAsync($"fine-tunes/{id}", cancellationToken);
        var events = await api.GetAsync($"fine-tunes/{id}/events", cancellationToken);
        var from = (TogetherJson.Integer(handle.State, TogetherSnapshot.MetricsStepKey) ?? 0) + 1;
        // Per-step metrics came to the API later than the rest; a deployment without them still reports progress.
        var metrics = await api.GetOrNullAsync($"fine-tunes/{id}/metrics?global_step_from={from}", cancellationToken);
        return TogetherSnapshot.Build(job, events, metrics, handle.State, timeProvider.GetUtcNow().UtcDateTime);
    }

    public string? Check(TrainingSubmission submission)
    {
        try
        {
            TogetherFineTuneRequest.Create(submission);
            return null;
        }
        catch (PermanentActivityException refused)
        {
            return refused.Message;
        }
    }

    public async Task CancelAsync(TrainingHandle handle, CancellationToken cancellationToken)
    {
        var api = Api();
        var id = Uri.EscapeDataString(handle.ExternalJobId);
        try
        {
            await api.PostAsync($"fine-tunes/{id}/cancel", [], cancellationToken);
        }
        catch (PermanentActivityException)
        {
            // Together refuses to cancel a job that has ended; that is what the caller wanted anyway.
            var job = await api.GetAsync($"fine-tunes/{id}", cancellationToken);
            if (!TrainingState.IsTerminal(TogetherSnapshot.MapStatus(TogetherJson.String(job, "status"))))
            {
                throw;
            }
        }
    }

    /// <summary>The name the export is uploaded under: the job's, so a retry can find its own upload among the account's files.</summary>
    internal static string UploadName(TrainingSubmission submission) => $"{submission.JobName}-{submission.Data.FileName}";

    private static bool IsOurs(JsonObject job, string suffix) =>
        TogetherJson.String(job, "suffix") == suffix
        || TogetherJson.String(job, "model_output_name")?.Contains($"-{suffix}", StringComparison.Ordinal) == true;

    private static async Task<string?> FindUploadAsync(TogetherApi api, string fileName, long bytes, CancellationToken cancellationToken)
    {
        var files = await api.GetAsync("files", cancellationToken);
        var upload = TogetherJson.Data(files).LastOrDefault(f =>
            TogetherJson.String(f, "filename") == fileName
            && TogetherJson.Integer(f, "bytes") == bytes
            && TogetherJson.String(f, "purpose") is null or "fine-tune");
        return TogetherJson.String(upload, "id");
    }

    private static TrainingSubmitted Submitted(JsonObject job, string? fileId, string suffix)
    {
        var id = TogetherJson.String(job, "id") ?? throw new RetryableActivityException("together answered the new job without an id");
        var state = new JsonObject { [SuffixKey] = suffix };
        if (fileId is not null)
        {
            state[TrainingFileKey] = fileId;
        }
        return new TrainingSubmitted(id, state);
    }

    private TogetherApi Api()
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        // Each call has its own limit (uploads a longer one); the client's single default would cut uploads short.
        http.Timeout = Timeout.InfiniteTimeSpan;
        return new TogetherApi(http, options.Value, timeProvider);
    }
}
