using System.Text.RegularExpressions;
using Forge.Functions.Hosting;
using Forge.Shared.Data;

namespace Forge.Functions.TrainingPairs;

/// <summary>The limits the columns impose, checked before the database would reject a value, and how pairs are built.</summary>
public static partial class TrainingPairRules
{
    public const int PairIdMax = 200;
    public const int TopicMax = 500;
    public const int CategoryMax = 200;
    public const int AudienceMax = 500;
    public const int StyleMax = 200;
    public const int HashtagMax = 100;
    public const int SceneTypeMax = 100;
    public const int TimestampMax = 50;
    public const int MaxScenes = 100;

    /// <summary>Seed 000 answers 400 for a bad query parameter or a missing <c>user_prompt</c>, naming it.</summary>
    public static ForgeApiException BadRequest(string field, string message) =>
        new(StatusCodes.Status400BadRequest, $"Invalid '{field}'", "BAD_REQUEST", new Dictionary<string, string> { [field] = message });

    public static string? SceneProblem(ScriptSceneRequest s) =>
        s.SceneType?.Length > SceneTypeMax ? $"'scene_type' must be at most {SceneTypeMax} characters"
        : s.Timestamp?.Length > TimestampMax ? $"'timestamp' must be at most {TimestampMax} characters"
        : s.HookVariant < 0 ? "'hook_variant' must not be negative"
        : s.SceneNumber < 0 ? "'scene_number' must not be negative"
        : null;

    public static void CheckCreate(CreateTrainingPairRequest r, FieldRules rules)
    {
        rules.Required("pair_id", r.PairId, 1, PairIdMax)
            .Check(r.PairId is null || !string.IsNullOrWhiteSpace(r.PairId), "pair_id", "Must not be blank")
            .Length("topic", r.Topic, 0, TopicMax)
            .Length("category", r.Category, 0, CategoryMax)
            .Length("target_audience", r.TargetAudience, 0, AudienceMax)
            .Length("content_style", r.ContentStyle, 0, StyleMax)
            .Check(r.DurationSeconds is null or >= 1, "duration_seconds", "Must be a positive number of seconds")
            .Check(r.Score is null or (>= 0 and <= 100), "score", "Must be between 0 and 100");
        for (var i = 0; i < (r.Hashtags?.Count ?? 0); i++)
        {
            rules.Check(!string.IsNullOrWhiteSpace(r.Hashtags![i]), $"hashtags[{i}]", "Must be a non-empty string")
                .Length($"hashtags[{i}]", r.Hashtags[i], 1, HashtagMax);
        }
        foreach (var (name, list) in new[] { ("hook_variants", r.HookVariants), ("scenes", r.Scenes) })
        {
            rules.Check((list?.Count ?? 0) <= MaxScenes, name, $"At most {MaxScenes}");
            for (var i = 0; i < (list?.Count ?? 0); i++)
            {
                if (list![i] is not { } scene)
                {
                    rules.Add($"{name}[{i}]", "Must be an object");
                }
                else if (SceneProblem(scene) is { } problem)
                {
                    rules.Add($"{name}[{i}]", problem);
                }
            }
        }
    }

    /// <summary>Timestamps as a model must write them: a range in seconds such as <c>0-3s</c> or <c>3-30s</c>.</summary>
    public static bool IsTimestamp(string? value)
    {
        if (value is null || TimestampPattern().Match(value) is not { Success: true } m)
        {
            return false;
        }
        return decimal.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            < decimal.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*s\s*$", RegexOptions.NonBacktracking)]
    private static partial Regex TimestampPattern();

    public static TrainingPair NewPair(string pairId, string user, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        PairId = pairId,
        CreatedAt = now,
        CreatedBy = user,
        UpdatedAt = now,
        UpdatedBy = user,
    };

    /// <summary>
    /// Adds the hooks and scenes. Every path that makes a pair (create, import, generation) checks the
    /// <see cref="MaxScenes"/> limit first and answers its own error; this is the guard that no path skips it.
    /// </summary>
    public static void AddScript(TrainingPair pair, IReadOnlyCollection<ScriptSceneRequest> hooks, IReadOnlyCollection<ScriptSceneRequest> scenes, string user, DateTime now)
    {
        if (hooks.Count > MaxScenes || scenes.Count > MaxScenes)
        {
            throw new InvalidOperationException($"A pair holds at most {MaxScenes} hooks and {MaxScenes} scenes; the caller did not check ({hooks.Count}, {scenes.Count}).");
        }
        var position = 0;
        foreach (var h in hooks)
        {
            position++;
            pair.HookVariants.Add(Fill(new TrainingPairHookVariant { HookVariant = h.HookVariant, CreatedBy = user, UpdatedBy = user }, h, position, pair, now));
        }
        position = 0;
        foreach (var s in scenes)
        {
            position++;
            pair.Scenes.Add(Fill(new TrainingPairScene { CreatedBy = user, UpdatedBy = user }, s, position, pair, now));
        }
    }

    public static void AddHashtags(TrainingPair pair, IEnumerable<string> names, string user, DateTime now)
    {
        var position = 0;
        foreach (var name in names)
        {
            pair.Hashtags.Add(new TrainingPairHashtag
            {
                Id = Guid.CreateVersion7(), TrainingPairId = pair.Id, Name = name.Trim(), Position = ++position,
                CreatedAt = now, CreatedBy = user, UpdatedAt = now, UpdatedBy = user,
            });
        }
    }

    private static T Fill<T>(T target, ScriptSceneRequest s, int position, TrainingPair pair, DateTime now) where T : TrainingPairScript
    {
        target.Id = Guid.CreateVersion7();
        target.TrainingPairId = pair.Id;
        target.SceneNumber = s.SceneNumber;
        target.SceneType = s.SceneType;
        target.Timestamp = s.Timestamp;
        target.TextOverlay = s.TextOverlay;
        target.Voiceover = s.Voiceover;
        target.Visual = s.Visual;
        target.Tip = s.Tip;
        // Without an order_index the position in the list is the order, counted from 1 as the seed's examples do.
        target.OrderIndex = s.OrderIndex ?? position;
        target.CreatedAt = now;
        target.UpdatedAt = now;
        return target;
    }
}
