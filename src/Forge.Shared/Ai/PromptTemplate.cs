using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Forge.Shared.Ai;

/// <summary>A dataset's prompt template filled in with one segment.</summary>
public static partial class PromptTemplate
{
    /// <summary>The system prompt when a dataset's template has none.</summary>
    public const string DefaultSystemPrompt =
        "You create training data for fine-tuning an assistant from source documents. "
        + "Each item is an instruction or question a real user could ask about the source text, an ideal response that is "
        + "correct, complete and supported only by that text, and a worse response that shows a typical mistake "
        + "(vague, unsupported or off-topic). Never add facts the text does not state. "
        + "Write the item in the language of the source text.";

    /// <summary>The user prompt when a dataset has no template; <c>{content}</c> is the segment text.</summary>
    public const string DefaultUserPrompt =
        "Create one training item grounded in the text below. Use only what the text states.\n\n"
        + "Text:\n\"\"\"\n{content}\n\"\"\"";

    /// <summary>
    /// Replaces <c>{content}</c> with <paramref name="content"/>, <c>{name}</c> with the metadata field <c>name</c> when
    /// it is a string, number or bool, and <c>{name.sub}</c> with field <c>sub</c> of the object <c>name</c> (the
    /// <c>fields</c> of a CRM record). Anything else in braces (unknown names, JSON examples) is left as written.
    /// Replacement is one pass, so braces inside the segment text are never expanded.
    /// </summary>
    public static string Render(string template, string content, JsonObject metadata) =>
        Placeholder().Replace(template, match =>
        {
            var name = match.Groups["name"].Value;
            var sub = match.Groups["sub"];
            if (!sub.Success)
            {
                if (name == "content")
                {
                    return content;
                }
                return Scalar(metadata[name]) ?? match.Value;
            }
            return metadata[name] is JsonObject nested ? Scalar(nested[sub.Value]) ?? match.Value : match.Value;
        });

    private static string? Scalar(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }
        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => bool.TrueString.ToLower(CultureInfo.InvariantCulture),
            JsonValueKind.False => bool.FalseString.ToLower(CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    // A name is a run of non-space characters without braces or dots; the dotted part may hold spaces ("fields.Razão Social").
    // NonBacktracking: templates are user text.
    [GeneratedRegex(@"\{(?<name>[^{}\s.""':]+)(?:\.(?<sub>[^{}\r\n.""]+))?\}", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Placeholder();
}
