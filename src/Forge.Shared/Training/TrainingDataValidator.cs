using System.Text;
using System.Text.Json;

namespace Forge.Shared.Training;

public static class TrainingMethods
{
    /// <summary>Supervised fine-tuning on chat examples (export schema <c>chat</c>).</summary>
    public const string Sft = "sft";

    /// <summary>Preference tuning on chosen/rejected pairs (export schema <c>dpo</c>).</summary>
    public const string Dpo = "dpo";
}

/// <param name="MaxTokensPerExample">Compared with a conservative estimate (a token per 4 characters), not a tokenizer's count.</param>
public sealed record TrainingRules(string Method, int MinExamples = 10, int MaxTokensPerExample = 32_768, int MaxProblemsListed = 20);

/// <param name="Line">1-based line of the file; 0 for a rule about the whole file.</param>
public sealed record TrainingDataProblem(int Line, string Rule, string Message);

public sealed record TrainingDataReport(int Examples, int ProblemCount, IReadOnlyList<TrainingDataProblem> Problems)
{
    public bool IsValid => ProblemCount == 0;

    /// <summary>One message naming the lines and rules broken, for a job's <c>error_message</c>.</summary>
    public string Describe()
    {
        var listed = string.Join("; ", Problems.Select(p => p.Line > 0 ? $"line {p.Line}: {p.Message} [{p.Rule}]" : $"{p.Message} [{p.Rule}]"));
        var more = ProblemCount > Problems.Count ? $" (and {ProblemCount - Problems.Count} more)" : "";
        return $"The training data breaks the provider's rules: {listed}{more}";
    }
}

/// <summary>
/// Checks a JSONL export before it is sent anywhere, line by line without holding the file: valid JSON per
/// line; for <c>sft</c> a <c>messages</c> array of known roles with text content and an assistant answer; for
/// <c>dpo</c> an <c>input.messages</c> prompt with <c>preferred_output</c> and <c>non_preferred_output</c>
/// assistant messages; every example within the token limit; at least the minimum number of examples.
/// </summary>
public static class TrainingDataValidator
{
    private static readonly HashSet<string> Roles = ["system", "user", "assistant", "tool", "developer"];

    public static async Task<TrainingDataReport> ValidateAsync(Stream jsonl, TrainingRules rules, CancellationToken cancellationToken)
    {
        var problems = new List<TrainingDataProblem>();
        var count = 0;
        var examples = 0;
        void Problem(int line, string rule, string message)
        {
            count++;
            if (problems.Count < rules.MaxProblemsListed)
            {
                problems.Add(new TrainingDataProblem(line, rule, message));
            }
        }

        using var reader = new StreamReader(jsonl, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            examples++;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                Problem(lineNumber, "json", "not valid JSON");
                continue;
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    Problem(lineNumber, "json", "not a JSON object");
                    continue;
                }
                var characters = rules.Method == TrainingMethods.Dpo
                    ? CheckDpo(document.RootElement, lineNumber, Problem)
                    : CheckChat(document.RootElement, lineNumber, Problem);
                var tokens = (characters + 3) / 4;
                if (tokens > rules.MaxTokensPerExample)
                {
                    Problem(lineNumber, "token_limit", $"about {tokens} tokens, over the limit of {rules.MaxTokensPerExample}");
                }
            }
        }
        if (examples < rules.MinExamples)
        {
            Problem(0, "min_examples", $"{examples} examples; at least {rules.MinExamples} are needed");
        }
        return new TrainingDataReport(examples, count, problems);
    }

    private static int CheckChat(JsonElement root, int line, Action<int, string, string> problem)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            problem(line, "messages", "no \"messages\" array");
            return 0;
        }
        var characters = CheckMessages(messages, line, problem, out var assistants);
        if (assistants == 0)
        {
            problem(line, "assistant", "no assistant message to learn from");
        }
        return characters;
    }

    private static int CheckDpo(JsonElement root, int line, Action<int, string, string> problem)
    {
        var characters = 0;
        if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object
            || !input.TryGetProperty("messages", out var prompt) || prompt.ValueKind != JsonValueKind.Array || prompt.GetArrayLength() == 0)
        {
            problem(line, "dpo_input", "no \"input.messages\" prompt");
        }
        else
        {
            characters += CheckMessages(prompt, line, problem, out _);
        }
        foreach (var field in (string[])["preferred_output", "non_preferred_output"])
        {
            if (!root.TryGetProperty(field, out var output) || output.ValueKind != JsonValueKind.Array || output.GetArrayLength() == 0)
            {
                problem(line, "dpo_output", $"no \"{field}\" array");
                continue;
            }
            characters += CheckMessages(output, line, problem, out var assistants);
            if (assistants != output.GetArrayLength())
            {
                problem(line, "dpo_output", $"\"{field}\" must hold assistant messages");
            }
        }
        return characters;
    }

    private static int CheckMessages(JsonElement messages, int line, Action<int, string, string> problem, out int assistants)
    {
        assistants = 0;
        var characters = 0;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String || !Roles.Contains(role.GetString()!))
            {
                problem(line, "roles", $"message {index} has no known role ({string.Join(", ", Roles)})");
                continue;
            }
            if (!message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(content.GetString()))
            {
                problem(line, "content", $"message {index} ({role.GetString()}) has no text content");
                continue;
            }
            characters += content.GetString()!.Length;
            assistants += role.GetString() == "assistant" ? 1 : 0;
        }
        return characters;
    }
}
