namespace Forge.Shared.Exports;

/// <summary>Record shapes of an export; persisted on the export, so the values never change.</summary>
public static class ExportSchemas
{
    /// <summary>OpenAI/HF chat fine-tuning: <c>{"messages":[system?, user, assistant]}</c>.</summary>
    public const string Chat = "chat";

    /// <summary>OpenAI preference fine-tuning: the ideal response preferred over the bad one.</summary>
    public const string Dpo = "dpo";

    /// <summary><c>{"instruction","input","output"}</c>, plus <c>"system"</c> when the export has a system prompt.</summary>
    public const string Alpaca = "alpaca";

    /// <summary>Every field of the item, snake_case.</summary>
    public const string Raw = "raw";

    public static IReadOnlyList<string> All { get; } = [Chat, Dpo, Alpaca, Raw];

    /// <summary>The schema used when an export names only its format: chat for jsonl, raw otherwise.</summary>
    public static string DefaultFor(string format) => format switch
    {
        ExportFormats.Jsonl => Chat,
        ExportFormats.Json or ExportFormats.Csv => Raw,
        _ => throw new ArgumentException(UnknownFormat(format), nameof(format)),
    };

    /// <summary>Why <paramref name="format"/> and <paramref name="schema"/> cannot be exported together, or null when they can.</summary>
    public static string? Check(string format, string schema)
    {
        if (!ExportFormats.All.Contains(format))
        {
            return UnknownFormat(format);
        }
        if (!All.Contains(schema))
        {
            return $"Unknown schema '{schema}'; known schemas are {string.Join(", ", All)}.";
        }
        // CSV is flat: dpo goes as prompt/chosen/rejected, but a message list has no faithful flat form.
        return format == ExportFormats.Csv && schema == Chat ? "The chat schema is nested; export it as jsonl or json" : null;
    }

    private static string UnknownFormat(string format) =>
        $"Unknown format '{format}'; known formats are {string.Join(", ", ExportFormats.All)}.";
}
