using System.Text.Json.Nodes;

namespace Forge.Tests.TrainingPairs;

/// <summary>JSONL lines in the export's format with as many hooks and scenes as a test needs.</summary>
public static class ScriptLines
{
    public static JsonObject Scene(int number, bool hook, string voiceover = "Olá, tudo bem?")
    {
        var scene = new JsonObject();
        if (hook)
        {
            scene["hook_variant"] = number;
        }
        scene["scene_number"] = number;
        scene["scene_type"] = hook ? "Hook" : "Main Content";
        scene["timestamp"] = "0-3s";
        scene["text_overlay"] = null;
        scene["voiceover"] = voiceover;
        scene["visual"] = null;
        scene["tip"] = null;
        return scene;
    }

    public static JsonArray Scenes(int count, bool hook, string voiceover = "Olá, tudo bem?") =>
        new(Enumerable.Range(1, count).Select(i => (JsonNode)Scene(i, hook, voiceover)).ToArray());

    /// <summary>The bare script a model is asked for: <c>{"hooks","script_body"}</c>.</summary>
    public static string Script(int hooks, int scenes, string voiceover = "Olá, tudo bem?") =>
        new JsonObject { ["hooks"] = Scenes(hooks, true, voiceover), ["script_body"] = Scenes(scenes, false, voiceover) }.ToJsonString();

    public static string Line(int hooks, int scenes, string voiceover = "Olá, tudo bem?")
    {
        var script = new JsonObject
        {
            ["type"] = "video_script",
            ["data"] = new JsonObject { ["hooks"] = Scenes(hooks, true, voiceover), ["script_body"] = Scenes(scenes, false, voiceover) },
        }.ToJsonString();
        return new JsonObject
        {
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = "Você é um roteirista." },
                new JsonObject { ["role"] = "user", ["content"] = "Um roteiro sobre café" },
                new JsonObject { ["role"] = "assistant", ["content"] = script }),
        }.ToJsonString();
    }
}
