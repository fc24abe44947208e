using System.Text.Json;
using System.Text.Json.Serialization;
using Forge.Functions.Hosting;
using Forge.Shared.Ai;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.TrainingPairs;

public sealed record GenerateTrainingPairsRequest(
    [property: JsonPropertyName("topics")] List<string?>? Topics,
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("temperature")] double? Temperature,
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("duration_seconds")] int? DurationSeconds,
    [property: JsonPropertyName("target_audience")] string? TargetAudience,
    [property: JsonPropertyName("content_style")] string? ContentStyle,
    [property: JsonPropertyName("system_prompt")] string? SystemPrompt,
    [property: JsonPropertyName("user_prompt")] string? UserPrompt,
    [property: JsonPropertyName("hashtags")] List<string?>? Hashtags,
    [property: JsonPropertyName("hook_count")] int? HookCount);

public sealed record GenerationResponse(
    [property: JsonPropertyName("run_id")] Guid RunId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("topics")] int Topics,
    [property: JsonPropertyName("pairs_created")] int PairsCreated,
    [property: JsonPropertyName("pair_ids")] List<Guid> PairIds,
    [property: JsonPropertyName("error")] string? Error);

/// <summary>What every topic's activity needs; the pairs it makes are PENDING and belong to <see cref="UserId"/>.</summary>
public sealed record PairGenerationPlan(
    string UserId, string Provider, string? Model, double? Temperature, List<string> Topics, string? Category, int? DurationSeconds,
    string? TargetAudience, string? ContentStyle, string SystemPrompt, string? UserPromptTemplate, List<string> Hashtags, int HookCount);

public sealed record PairGenerationInput(Guid RunId, PairGenerationPlan Plan, int Index);

/// <summary>The orchestration's input: the run (its row), what to make, and how many topics are asked for at once.</summary>
public sealed record PairGenerationStart(Guid RunId, PairGenerationPlan Plan, int Concurrency);

/// <summary>
/// <c>POST /api/v1/training/generate</c>: one run (a <see cref="PairGenerationRun"/> row and its orchestration), one
/// activity per topic (in parallel waves), each asking the configured LLM provider for a structured script and storing
/// it as a PENDING pair. Without a provider it refuses (422) rather than make up scripts.
/// </summary>
public static class TrainingPairGeneration
{
    public const string Orchestrator = "training-pairs.generation";
    public const string Start = "training-pairs.start";
    public const string GenerateActivity = "training-pairs.generate";
    public const string Finish = "training-pairs.finish";
    public const int MaxTopics = 100;

    public static string InstanceId(Guid runId) => $"training-pairs-generate-{runId}";

    public const string DefaultSystemPrompt =
        "You are a scriptwriter for short vertical videos. Write a video script: hooks are alternative opening scenes "
        + "(hook_variant 1, 2, ...), script_body is the rest of the video in order. Timestamps are second ranges such as 0-3s.";

    public static async Task<Accepted<GenerationResponse>> Generate(GenerateTrainingPairsRequest request, ForgeDbContext db, DurableTaskClient client,
        StructuredChatClients chats, ICurrentUser user, IOptions<TrainingPairOptions> options, TimeProvider time, CancellationToken ct)
    {
        var topics = request.Topics ?? [];
        var rules = new FieldRules()
            .Check(request.Topics is not null, "topics", "Field required: a list of topics, one pair each")
            .Check(request.Topics is null || topics.Count is >= 1 and <= MaxTopics, "topics", $"Give between 1 and {MaxTopics} topics")
            .Length("category", request.Category, 0, TrainingPairRules.CategoryMax)
            .Length("target_audience", request.TargetAudience, 0, TrainingPairRules.AudienceMax)
            .Length("content_style", request.ContentStyle, 0, TrainingPairRules.StyleMax)
            .Check(request.DurationSeconds is null or (>= 1 and <= 3600), "duration_seconds", "Must be between 1 and 3600")
            .Check(request.Temperature is null or (>= 0 and <= 2), "temperature", "Must be between 0 and 2")
            .Check(request.HookCount is null or (>= 1 and <= 10), "hook_count", "Must be between 1 and 10")
            .Check(request.SystemPrompt is null || !string.IsNullOrWhiteSpace(request.SystemPrompt), "system_prompt", "Must not be blank")
            .Check(request.UserPrompt is null || request.UserPrompt.Contains("{topic}", StringComparison.Ordinal), "user_prompt",
                "Must contain {topic}, where each topic goes");
        for (var i = 0; i < topics.Count; i++)
        {
            rules.Check(!string.IsNullOrWhiteSpace(topics[i]), $"topics[{i}]", "Must be a non-empty string")
                .Length($"topics[{i}]", topics[i], 1, TrainingPairRules.TopicMax);
        }
        for (var i = 0; i < (request.Hashtags?.Count ?? 0); i++)
        {
            rules.Check(!string.IsNullOrWhiteSpace(request.Hashtags![i]), $"hashtags[{i}]", "Must be a non-empty string")
                .Length($"hashtags[{i}]", request.Hashtags[i], 1, TrainingPairRules.HashtagMax);
        }
        rules.ThrowIfAny();

        var configured = chats.Configured;
        var provider = request.Provider?.Trim().ToLowerInvariant() ?? configured.FirstOrDefault();
        if (provider is null)
        {
            throw new ValidationException("provider",
                $"No LLM provider is configured, so no scripts can be generated: set {AiOptions.SectionName}:Providers:<name>:ApiKey (and BaseUrl for a compatible server)");
        }
        if (!chats.IsConfigured(provider))
        {
            throw new ValidationException("provider",
                $"No API key configured for '{provider}' ({AiOptions.SectionName}:Providers:{provider}:ApiKey); configured: {(configured.Count == 0 ? "none" : string.Join(", ", configured))}");
        }

        var plan = new PairGenerationPlan(user.UserId, provider, request.Model, request.Temperature, topics.Select(t => t!.Trim()).ToList(),
            request.Category, request.DurationSeconds, request.TargetAudience, request.ContentStyle, request.SystemPrompt ?? DefaultSystemPrompt,
            request.UserPrompt, request.Hashtags?.Select(h => h!.Trim()).ToList() ?? [], request.HookCount ?? 3);
        var now = time.GetUtcNow().UtcDateTime;
        var run = new PairGenerationRun
        {
            Id = Guid.CreateVersion7(),
            UserId = user.UserId,
            Provider = provider,
            Topics = plan.Topics.Count,
            Plan = JsonSerializer.Serialize(plan, PayloadJson),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Set<PairGenerationRun>().Add(run);
        await db.SaveChangesAsync(ct);
        // After the commit: if this process dies first, the reconciler starts it under the same id.
        await client.StartOnceAsync(new TaskName(Orchestrator), InstanceId(run.Id), StartOf(run, options.Value), ct);
        return TypedResults.Accepted($"/api/v1/training/generate/{run.Id}",
            new GenerationResponse(run.Id, run.Status, provider, plan.Topics.Count, 0, [], null));
    }

    /// <summary>The orchestration's input, the same from the endpoint and from the reconciler.</summary>
    public static PairGenerationStart StartOf(PairGenerationRun run, TrainingPairOptions options) =>
        new(run.Id, JsonSerializer.Deserialize<PairGenerationPlan>(run.Plan, PayloadJson)!, options.GenerationConcurrency);

    /// <summary>The caller's run only: another user's is a 404, like an unknown id.</summary>
    public static async Task<Ok<GenerationResponse>> GetGeneration(Guid run_id, ForgeDbContext db, ICurrentUser user, CancellationToken ct)
    {
        var run = await db.Set<PairGenerationRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == run_id && r.UserId == user.UserId, ct)
            ?? throw new NotFoundException("Generation", run_id);
        var prefix = PairIdPrefix(run.Id);
        var pairs = await db.TrainingPairs.OwnedBy(user.UserId).Where(p => p.PairId.StartsWith(prefix)).OrderBy(p => p.CreatedAt).Select(p => p.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(new GenerationResponse(run.Id, run.Status, run.Provider, run.Topics, pairs.Count, pairs, run.Error));
    }

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public static string PairIdPrefix(Guid runId) => $"gen-{runId:N}-";
}
