using System.Text.Json;
using System.Text.Json.Serialization;
using Forge.Functions.Hosting;
using Forge.Shared.Ai;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

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

public sealed record PairGenerationInput(PairGenerationPlan Plan, int Index);

/// <summary>
/// <c>POST /api/v1/training/generate</c>: one run, one activity per topic (in parallel), each asking the configured LLM
/// provider for a structured script and storing it as a PENDING pair. Without a provider it refuses (422) rather
/// than make up scripts.
/// </summary>
public static class TrainingPairGeneration
{
    public const string RunType = "training-pairs.generation";
    public const string Plan = "training-pairs.plan";
    public const string GenerateActivity = "training-pairs.generate";
    public const string Finish = "training-pairs.finish";
    public const int MaxTopics = 100;

    public const string DefaultSystemPrompt =
        "You are a scriptwriter for short vertical videos. Write a video script: hooks are alternative opening scenes "
        + "(hook_variant 1, 2, ...), script_body is the rest of the video in order. Timestamps are second ranges such as 0-3s.";

    public static async Task<Accepted<GenerationResponse>> Generate(GenerateTrainingPairsRequest request, ForgeDbContext db, DurableEngine engine,
        EngineSignal signal, StructuredChatClients chats, ICurrentUser user, CancellationToken ct)
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
        var run = engine.Start(RunType, "training-pairs", Plan, plan);
        await db.SaveChangesAsync(ct);
        signal.Pulse();
        return TypedResults.Accepted($"/api/v1/training/generate/{run.Id}",
            new GenerationResponse(run.Id, run.Status, provider, plan.Topics.Count, 0, [], null));
    }

    /// <summary>The caller's run only: another user's is a 404, like an unknown id.</summary>
    public static async Task<Ok<GenerationResponse>> GetGeneration(Guid run_id, ForgeDbContext db, ICurrentUser user, CancellationToken ct)
    {
        var run = await db.EngineRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == run_id && r.Type == RunType, ct)
            ?? throw new NotFoundException("Generation", run_id);
        // The request is the run's first work item; the engine keeps it, and it names the user the run works for.
        var payload = await db.EngineWorkItems.Where(w => w.RunId == run.Id && w.Activity == Plan).Select(w => w.Payload).FirstOrDefaultAsync(ct);
        var plan = payload is null ? null : JsonSerializer.Deserialize<PairGenerationPlan>(payload, PayloadJson);
        if (plan?.UserId != user.UserId)
        {
            throw new NotFoundException("Generation", run_id);
        }
        var prefix = PairIdPrefix(run.Id);
        var pairs = await db.TrainingPairs.OwnedBy(user.UserId).Where(p => p.PairId.StartsWith(prefix)).OrderBy(p => p.CreatedAt).Select(p => p.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(new GenerationResponse(run.Id, run.Status, plan.Provider, plan.Topics.Count, pairs.Count, pairs, run.Error));
    }

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public static string PairIdPrefix(Guid runId) => $"gen-{runId:N}-";
}

/// <summary>Fans out one activity per topic, then <see cref="TrainingPairGeneration.Finish"/>.</summary>
public sealed class PlanPairGenerationActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var plan = context.GetInput<PairGenerationPlan>();
        context.ReportProgress(0, plan.Topics.Count, "generating");
        context.FanOut(TrainingPairGeneration.GenerateActivity, plan.Topics.Select((_, i) => new PairGenerationInput(plan, i)), TrainingPairGeneration.Finish);
        return Task.CompletedTask;
    }
}

public sealed class FinishPairGenerationActivity : IActivity
{
    public Task ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        context.SetStep("done");
        return Task.CompletedTask;
    }
}
