using System.Globalization;
using System.Text;
using System.Text.Json;
using Forge.Functions.Hosting;
using Forge.Shared.Data;

namespace Forge.Functions.TrainingPairs;

/// <summary>What one JSONL line holds: the two prompts and the script.</summary>
public sealed record JsonlPair(string SystemPrompt, string UserPrompt, List<ScriptSceneRequest> Hooks, List<ScriptSceneRequest> Scenes);

/// <summary>
/// Seed 000's export line: <c>{"messages": [system, user, assistant]}</c> where the assistant content is the script as the
/// JSON string <c>{"type":"video_script","data":{"hooks":[...],"script_body":[...]}}</c>. The canonical form is what
/// Python's <c>json.dumps(..., ensure_ascii=False)</c> writes: the envelope with the seed's <c>", "</c>/<c>": "</c>
/// separators, the script compact, every field present (null when empty), non-ASCII text (accents, emoji) as raw
/// UTF-8, and only <c>"</c>, <c>\</c> and control characters escaped. A file in that form imports and exports byte for byte.
/// </summary>
public static class TrainingPairJsonl
{
    public static string Line(TrainingPair pair)
    {
        var script = new StringBuilder("{\"type\":\"video_script\",\"data\":{\"hooks\":[");
        var first = true;
        foreach (var hook in TrainingPairMapping.Ordered(pair.HookVariants))
        {
            script.Append(first ? "{" : ",{");
            first = false;
            script.Append("\"hook_variant\":").Append(Number(hook.HookVariant)).Append(',');
            AppendScene(script, hook);
        }
        script.Append("],\"script_body\":[");
        first = true;
        foreach (var scene in TrainingPairMapping.Ordered(pair.Scenes))
        {
            script.Append(first ? "{" : ",{");
            first = false;
            AppendScene(script, scene);
        }
        script.Append("]}}");

        var line = new StringBuilder("{\"messages\": [{\"role\": \"system\", \"content\": ");
        AppendString(line, pair.SystemPrompt ?? "");
        line.Append("}, {\"role\": \"user\", \"content\": ");
        AppendString(line, pair.UserPrompt ?? "");
        line.Append("}, {\"role\": \"assistant\", \"content\": ");
        AppendString(line, script.ToString());
        return line.Append("}]}").ToString();
    }

    private static void AppendScene(StringBuilder sb, TrainingPairScript s)
    {
        sb.Append("\"scene_number\":").Append(Number(s.SceneNumber));
        foreach (var (name, value) in new[] { ("scene_type", s.SceneType), ("timestamp", s.Timestamp), ("text_overlay", s.TextOverlay),
                     ("voiceover", s.Voiceover), ("visual", s.Visual), ("tip", s.Tip) })
        {
            sb.Append(",\"").Append(name).Append("\":");
            if (value is null)
            {
                sb.Append("null");
            }
            else
            {
                AppendString(sb, value);
            }
        }
        sb.Append('}');
    }

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "null";

    /// <summary>A JSON string escaped as Python's json module does with ensure_ascii=False.</summary>
    public static void AppendString(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (char.IsSurrogate(c) && !IsPairAt(value, i)))
                    {
                        // Control characters must be escaped; a lone surrogate cannot be written as UTF-8 at all.
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c))
                    {
                        sb.Append(c).Append(value[++i]);
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    private static bool IsPairAt(string s, int i) => char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);

    /// <summary>Reads one line in the export format; the error says what is wrong and where.</summary>
    public static (JsonlPair? Pair, string? Error) Parse(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, PatchBody.Strict);
        }
        catch (JsonException e)
        {
            return (null, $"Not valid JSON: {e.Message.Split(" Path:")[0]}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (StrictJson.FindBadText(root) is var (path, problem))
            {
                return (null, path.Length == 0 ? problem : $"{path}: {problem}");
            }
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                return (null, "Expected an object with a 'messages' array");
            }
            string[] roles = ["system", "user", "assistant"];
            if (messages.GetArrayLength() != 3)
            {
                return (null, "'messages' must hold exactly three messages: system, user, assistant");
            }
            var contents = new string[3];
            for (var i = 0; i < 3; i++)
            {
                var message = messages[i];
                if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                    || role.GetString() != roles[i])
                {
                    return (null, $"messages[{i}] must have role '{roles[i]}'");
                }
                if (!message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                {
                    return (null, $"messages[{i}].content must be a string");
                }
                contents[i] = content.GetString()!;
            }
            var (hooks, scenes, error) = ParseScript(contents[2], wrapped: true);
            return error is not null ? (null, $"messages[2].content: {error}") : (new JsonlPair(contents[0], contents[1], hooks!, scenes!), null);
        }
    }

    /// <summary>
    /// The script, either wrapped as <c>{"type":"video_script","data":{...}}</c> (the export) or bare
    /// <c>{"hooks","script_body"}</c> (what a model is asked to answer); at most <see cref="TrainingPairRules.MaxScenes"/>
    /// hooks and as many scenes, as a created pair.
    /// </summary>
    public static (List<ScriptSceneRequest>? Hooks, List<ScriptSceneRequest>? Scenes, string? Error) ParseScript(string json, bool wrapped)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, PatchBody.Strict);
        }
        catch (JsonException e)
        {
            return (null, null, $"not a JSON video script: {e.Message.Split(" Path:")[0]}");
        }
        using (document)
        {
            var data = document.RootElement;
            if (StrictJson.FindBadText(data) is var (path, problem))
            {
                return (null, null, $"not a storable video script: {(path.Length == 0 ? "" : $"{path}: ")}{problem}");
            }
            if (wrapped)
            {
                if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                    || type.GetString() != "video_script")
                {
                    return (null, null, "must be a JSON object with \"type\":\"video_script\"");
                }
                if (!data.TryGetProperty("data", out data))
                {
                    return (null, null, "'data' is missing");
                }
            }
            if (data.ValueKind != JsonValueKind.Object)
            {
                return (null, null, "'data' must be an object with 'hooks' and 'script_body'");
            }
            var hooks = new List<ScriptSceneRequest>();
            var scenes = new List<ScriptSceneRequest>();
            foreach (var (name, list, isHook) in new[] { ("hooks", hooks, true), ("script_body", scenes, false) })
            {
                if (!data.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
                {
                    return (null, null, $"'{name}' must be an array");
                }
                // Checked before any item is read: the limit is what keeps a pair's export and its responses small.
                if (array.GetArrayLength() is var count and > TrainingPairRules.MaxScenes)
                {
                    return (null, null, $"'{name}' holds {count} items; at most {TrainingPairRules.MaxScenes} are allowed");
                }
                var index = 0;
                foreach (var element in array.EnumerateArray())
                {
                    var (scene, error) = ReadScene(element, isHook, list.Count + 1);
                    if (error is not null)
                    {
                        return (null, null, $"{name}[{index}]: {error}");
                    }
                    list.Add(scene!);
                    index++;
                }
            }
            return (hooks, scenes, null);
        }
    }

    private static (ScriptSceneRequest? Scene, string? Error) ReadScene(JsonElement element, bool isHook, int orderIndex)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, "must be an object");
        }
        string? error = null;
        int? Int(string name)
        {
            if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n))
            {
                return n;
            }
            error ??= $"'{name}' must be an integer or null";
            return null;
        }
        string? Text(string name)
        {
            if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (v.ValueKind == JsonValueKind.String)
            {
                return v.GetString();
            }
            error ??= $"'{name}' must be a string or null";
            return null;
        }
        var scene = new ScriptSceneRequest(isHook ? Int("hook_variant") : null, Int("scene_number"), Text("scene_type"), Text("timestamp"),
            Text("text_overlay"), Text("voiceover"), Text("visual"), Text("tip"), orderIndex);
        error ??= TrainingPairRules.SceneProblem(scene);
        return error is null ? (scene, null) : (null, error);
    }
}
