using Forge.Shared.Durable;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Ai;
using Forge.Shared.Data;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.TrainingPairs;

/// <summary>
/// Asks the provider for one topic's script and stores it as a PENDING pair. Idempotent: the pair's <c>pair_id</c> is
/// derived from the run and the topic, so a retried activity finds it. A malformed answer is retried (models answer
/// differently each time); once the attempts are used up the run fails with what was wrong.
/// </summary>
public sealed class GeneratePairActivity(ForgeDbContext db, StructuredChatClients chats, TimeProvider time) : TaskActivity<PairGenerationInput, bool>
{
    private const string FormatInstruction =
        "Answer with a JSON object {\"hooks\":[...],\"script_body\":[...]}: each hook has hook_variant, scene_number, scene_type, timestamp, "
        + "text_overlay, voiceover, visual, tip; each script_body scene the same without hook_variant. At least one hook and one scene; "
        + "timestamps like 0-3s.";

    public static BinaryData Schema { get; } = BinaryData.FromString(BuildSchema());

    public override async Task<bool> RunAsync(TaskActivityContext context, PairGenerationInput input)
    {
        var cancellationToken = CancellationToken.None;
        var (runId, plan, index) = input;
        var pairId = TrainingPairGeneration.PairIdPrefix(runId) + (index + 1).ToString(CultureInfo.InvariantCulture);
        if (await db.TrainingPairs.OwnedBy(plan.UserId).AnyAsync(p => p.PairId == pairId, cancellationToken))
        {
            return false;
        }
        var topic = plan.Topics[index];
        var userPrompt = plan.UserPromptTemplate?.Replace("{topic}", topic, StringComparison.Ordinal) ?? DefaultUserPrompt(plan, topic);
        var answer = await chats.CompleteAsync(plan.Provider, new StructuredChatRequest(
            plan.SystemPrompt + "\n\n" + FormatInstruction, userPrompt, "video_script", Schema, plan.Model, plan.Temperature), cancellationToken);
        if (answer.Refusal is { Length: > 0 } refusal)
        {
            throw new PermanentActivityException($"{answer.Provider} refused to write a script for '{topic}': {refusal}");
        }
        if (answer.Truncated)
        {
            throw new RetryableActivityException($"{answer.Provider}'s script for '{topic}' was cut off at the token limit");
        }
        var (hooks, scenes, problem) = Read(answer.Text);
        if (problem is not null)
        {
            throw new RetryableActivityException($"{answer.Provider} answered a malformed script for '{topic}': {problem}");
        }

        var now = time.GetUtcNow().UtcDateTime;
        // Stored without the format instruction: the pair trains a model to answer the prompt itself.
        var pair = TrainingPairRules.NewPair(pairId, plan.UserId, now);
        pair.Topic = topic;
        pair.Category = plan.Category;
        pair.DurationSeconds = plan.DurationSeconds;
        pair.TargetAudience = plan.TargetAudience;
        pair.ContentStyle = plan.ContentStyle;
        pair.SystemPrompt = plan.SystemPrompt;
        pair.UserPrompt = userPrompt;
        TrainingPairRules.AddHashtags(pair, plan.Hashtags, plan.UserId, now);
        TrainingPairRules.AddScript(pair, hooks!, scenes!, plan.UserId, now);
        db.TrainingPairs.Add(pair);
        // A second run of this topic racing the first is refused by the unique pair_id; its retry finds the first one's pair.
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The script, checked: at least one hook and one scene, every timestamp a range like <c>0-3s</c>.</summary>
    public static (List<ScriptSceneRequest>? Hooks, List<ScriptSceneRequest>? Scenes, string? Problem) Read(string text)
    {
        var (hooks, scenes, error) = TrainingPairJsonl.ParseScript(text, wrapped: false);
        if (error is not null && TrainingPairJsonl.ParseScript(text, wrapped: true) is { Error: null } wrapped)
        {
            (hooks, scenes, error) = wrapped;
        }
        if (error is not null)
        {
            return (null, null, error);
        }
        if (hooks!.Count == 0 || scenes!.Count == 0)
        {
            return (null, null, "it needs at least one hook and one script_body scene");
        }
        var bad = hooks.Concat(scenes).FirstOrDefault(s => !TrainingPairRules.IsTimestamp(s.Timestamp));
        return bad is not null ? (null, null, $"timestamp '{bad.Timestamp}' is not a second range such as 0-3s") : (hooks, scenes, null);
    }

    private static string DefaultUserPrompt(PairGenerationPlan plan, string topic)
    {
        var prompt = new StringBuilder($"Write a video script about: {topic}");
        if (plan.Category is { Length: > 0 } category) prompt.Append($"\nCategory: {category}");
        if (plan.DurationSeconds is { } seconds) prompt.Append($"\nDuration: {seconds} seconds");
        if (plan.TargetAudience is { Length: > 0 } audience) prompt.Append($"\nTarget audience: {audience}");
        if (plan.ContentStyle is { Length: > 0 } style) prompt.Append($"\nContent style: {style}");
        prompt.Append($"\nHook variants: {plan.HookCount}");
        return prompt.ToString();
    }

    private static string BuildSchema()
    {
        JsonObject Scene(bool hook)
        {
            var properties = new JsonObject();
            if (hook)
            {
                properties["hook_variant"] = new JsonObject { ["type"] = "integer" };
            }
            properties["scene_number"] = new JsonObject { ["type"] = new JsonArray("integer", "null") };
            foreach (var name in new[] { "scene_type", "timestamp", "text_overlay", "voiceover", "visual", "tip" })
            {
                // The timestamp is what the check relies on; the rest may be empty.
                properties[name] = name == "timestamp" ? new JsonObject { ["type"] = "string" } : new JsonObject { ["type"] = new JsonArray("string", "null") };
            }
            return new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["required"] = new JsonArray(properties.Select(p => (JsonNode?)JsonValue.Create(p.Key)).ToArray()),
                ["properties"] = properties,
            };
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("hooks", "script_body"),
            ["properties"] = new JsonObject
            {
                ["hooks"] = new JsonObject { ["type"] = "array", ["items"] = Scene(hook: true) },
                ["script_body"] = new JsonObject { ["type"] = "array", ["items"] = Scene(hook: false) },
            },
        }.ToJsonString();
    }
}
