using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.TrainingPairs;

/// <summary>
/// Partial updates of a hook variant or a scene. The body is read as a JSON object (<see cref="PatchBody"/>) rather than a
/// record so an explicit <c>null</c> (clear the field) can be told from an absent field (keep it). Only the caller's pairs' hooks and scenes:
/// another user's is a 404, like an unknown id.
/// </summary>
public static class TrainingPairEdits
{
    private sealed record Field(string Name, bool IsInt, int MaxLength, Action<TrainingPairScript, JsonNode?> Set);

    private static readonly Field[] SceneFields =
    [
        new("scene_number", true, 0, (s, v) => s.SceneNumber = Int(v)),
        new("scene_type", false, TrainingPairRules.SceneTypeMax, (s, v) => s.SceneType = Text(v)),
        new("timestamp", false, TrainingPairRules.TimestampMax, (s, v) => s.Timestamp = Text(v)),
        new("text_overlay", false, int.MaxValue, (s, v) => s.TextOverlay = Text(v)),
        new("voiceover", false, int.MaxValue, (s, v) => s.Voiceover = Text(v)),
        new("visual", false, int.MaxValue, (s, v) => s.Visual = Text(v)),
        new("tip", false, int.MaxValue, (s, v) => s.Tip = Text(v)),
    ];

    private static readonly Field[] HookFields =
    [
        new("hook_variant", true, 0, (s, v) => ((TrainingPairHookVariant)s).HookVariant = Int(v)),
        .. SceneFields,
    ];

    public static async Task<Ok<HookVariantResponse>> UpdateHook(Guid hook_variant_id, PatchBody patch, ForgeDbContext db, ICurrentUser user,
        TimeProvider time, CancellationToken ct)
    {
        var body = patch.Fields;
        var changes = Check(body, HookFields);
        var owned = db.TrainingPairs.OwnedBy(user.UserId);
        var hook = await db.TrainingPairHookVariants.Where(h => owned.Any(p => p.Id == h.TrainingPairId))
            .FirstOrDefaultAsync(h => h.Id == hook_variant_id, ct)
            ?? throw new NotFoundException("Hook variant", hook_variant_id);
        await ApplyAsync(db, hook, changes, body, user, time, ct);
        return TypedResults.Ok(hook.ToResponse());
    }

    public static async Task<Ok<SceneResponse>> UpdateScene(Guid scene_id, PatchBody patch, ForgeDbContext db, ICurrentUser user,
        TimeProvider time, CancellationToken ct)
    {
        var body = patch.Fields;
        var changes = Check(body, SceneFields);
        var owned = db.TrainingPairs.OwnedBy(user.UserId);
        var scene = await db.TrainingPairScenes.Where(s => owned.Any(p => p.Id == s.TrainingPairId))
            .FirstOrDefaultAsync(s => s.Id == scene_id, ct) ?? throw new NotFoundException("Scene", scene_id);
        await ApplyAsync(db, scene, changes, body, user, time, ct);
        return TypedResults.Ok(scene.ToResponse());
    }

    private static async Task ApplyAsync(ForgeDbContext db, TrainingPairScript target, List<Field> changes, JsonObject body, ICurrentUser user,
        TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var field in changes)
        {
            field.Set(target, body[field.Name]);
        }
        target.UpdatedAt = now;
        target.UpdatedBy = user.UserId;
        // The pair changed too: its audit fields say so.
        await db.TrainingPairs.OwnedBy(user.UserId).Where(p => p.Id == target.TrainingPairId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, now).SetProperty(p => p.UpdatedBy, user.UserId), ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The known fields present in the body, each checked: an integer or a string of the column's size, or null.</summary>
    private static List<Field> Check(JsonObject body, Field[] fields)
    {
        var rules = new FieldRules();
        var present = fields.Where(f => body.ContainsKey(f.Name)).ToList();
        rules.Check(present.Count > 0, "body", $"At least one of {string.Join(", ", fields.Select(f => f.Name))} must be given");
        foreach (var field in present)
        {
            var value = body[field.Name];
            if (value is null)
            {
                continue;
            }
            if (field.IsInt)
            {
                rules.Check(value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) && n >= 0,
                    field.Name, "Must be a non-negative integer or null");
            }
            else if (value is not JsonValue s || s.GetValueKind() != JsonValueKind.String)
            {
                rules.Add(field.Name, "Must be a string or null");
            }
            else
            {
                rules.Length(field.Name, s.GetValue<string>(), 0, field.MaxLength);
            }
        }
        rules.ThrowIfAny();
        return present;
    }

    private static int? Int(JsonNode? value) => value?.GetValue<int>();

    private static string? Text(JsonNode? value) => value?.GetValue<string>();
}
