using System.Text;

namespace Forge.Shared.Training.Local;

/// <summary>
/// <see cref="LocalTrainingOptions.Command"/> read as a program and its arguments, never as shell text: words split at
/// blanks, <c>'...'</c> and <c>"..."</c> group a word with blanks (nothing inside is expanded), <c>\</c> escapes the
/// next character. A placeholder (<c>{data}</c>, <c>{output}</c>, <c>{base_model}</c>, <c>{hyperparameters_file}</c>,
/// <c>{job_name}</c>) is a whole unquoted word of its own and becomes exactly one argument holding the value, so a
/// value can never become shell syntax or split into several arguments.
/// </summary>
internal sealed class LocalCommand
{
    public static readonly IReadOnlyList<string> Placeholders = ["{data}", "{output}", "{base_model}", "{hyperparameters_file}", "{job_name}"];

    // Outside quotes these mean shell syntax the command would silently lose, since no shell reads it.
    private const string ShellSyntax = ";|&<>$`()";

    private readonly List<(string Text, bool IsPlaceholder)> _words;

    private LocalCommand(List<(string Text, bool IsPlaceholder)> words) => _words = words;

    /// <summary>The command's words, or why it cannot be run as one (an empty list when it can).</summary>
    public static (LocalCommand? Command, IReadOnlyList<string> Errors) Parse(string command)
    {
        var errors = new List<string>();
        var words = new List<(string, bool)>();
        var word = new StringBuilder();
        var inWord = false;
        var quoted = false;
        var i = 0;
        void EndWord()
        {
            if (inWord)
            {
                var text = word.ToString();
                var isPlaceholder = !quoted && Placeholders.Contains(text);
                if (!isPlaceholder && Placeholders.FirstOrDefault(p => text.Contains(p, StringComparison.Ordinal)) is { } embedded)
                {
                    errors.Add(quoted
                        ? $"puts {embedded} inside quotes; a placeholder must be a word of its own, outside quotes (it is passed as one argument whatever it holds)"
                        : $"has {embedded} inside the word '{text}'; a placeholder must be a word of its own (or read FORGE_* environment variables in a script)");
                }
                words.Add((text, isPlaceholder));
            }
            word.Clear();
            inWord = false;
            quoted = false;
        }
        while (i < command.Length)
        {
            var c = command[i];
            if (char.IsWhiteSpace(c))
            {
                EndWord();
                i++;
            }
            else if (c is '\'' or '"')
            {
                var close = c == '\'' ? command.IndexOf('\'', i + 1) : ClosingDoubleQuote(command, i + 1);
                if (close < 0)
                {
                    errors.Add($"has an unterminated {c} quote");
                    return (null, errors);
                }
                var inner = command[(i + 1)..close];
                word.Append(c == '"' ? inner.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal) : inner);
                inWord = true;
                quoted = true;
                i = close + 1;
            }
            else if (c == '\\' && i + 1 < command.Length)
            {
                word.Append(command[i + 1]);
                inWord = true;
                i += 2;
            }
            else
            {
                if (ShellSyntax.Contains(c))
                {
                    errors.Add($"has an unquoted '{c}': the command is not run by a shell; put shell syntax in a script, or run sh -c '...' reading \"$FORGE_...\" variables");
                }
                word.Append(c);
                inWord = true;
                i++;
            }
        }
        EndWord();
        if (words.Count == 0)
        {
            errors.Add("is empty");
        }
        else if (!words[0].Item2 && words[0].Item1.IndexOf('=') is > 0 and var equals && words[0].Item1[..equals].All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
        {
            errors.Add($"starts with the assignment '{words[0].Item1}': no shell reads it; write env {words[0].Item1} ... instead");
        }
        else if (words[0].Item2)
        {
            errors.Add($"starts with {words[0].Item1}: the program to run must be written in the command, not taken from a value");
        }
        return errors.Count > 0 ? (null, errors.Distinct().ToList()) : (new LocalCommand(words), errors);
    }

    /// <summary>The argument list, each placeholder replaced by its value as one argument.</summary>
    public IReadOnlyList<string> Arguments(IReadOnlyDictionary<string, string> values) =>
        [.. _words.Select(w => w.IsPlaceholder ? values[w.Text] : w.Text)];

    private static int ClosingDoubleQuote(string command, int from)
    {
        for (var i = from; i < command.Length; i++)
        {
            if (command[i] == '\\')
            {
                i++;
            }
            else if (command[i] == '"')
            {
                return i;
            }
        }
        return -1;
    }
}
