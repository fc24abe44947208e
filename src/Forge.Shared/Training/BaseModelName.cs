using System.Text.RegularExpressions;

namespace Forge.Shared.Training;

/// <summary>
/// What a model's <c>base_model</c> may hold: a provider's model id (<c>meta-llama/Llama-3.2-1B</c>,
/// <c>ft:gpt-4o-mini:org::id</c>, <c>llama-3.1-8b-instruct@v2</c>) or a checkpoint path, and nothing a shell, a URL or
/// an argument parser could read as syntax. It reaches provider APIs and the <c>local</c> provider's command line.
/// </summary>
public static partial class BaseModelName
{
    public const int MaxLength = 200;

    public const string Rule =
        "Must be 1-200 of the characters A-Z a-z 0-9 . _ / : @ + - and must not start with '-'";

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    // Not starting with '-': as an argument it would read as an option. NonBacktracking: the value is user text.
    [GeneratedRegex(@"^[A-Za-z0-9._/:@+][A-Za-z0-9._/:@+-]{0,199}\z", RegexOptions.NonBacktracking)]
    private static partial Regex Pattern();
}
