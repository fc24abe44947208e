namespace Forge.Shared.Quality;

/// <summary>The <c>length_ok</c> flag: an instruction and a response with something in them, within sane bounds.</summary>
internal static class LengthCheck
{
    public const int MinWords = 2;
    public const int MaxInstructionWords = 1000;
    public const int MaxResponseWords = 4000;

    public static bool Passes(string[] instructionWords, string[] responseWords) =>
        instructionWords.Length is >= MinWords and <= MaxInstructionWords
        && responseWords.Length is >= MinWords and <= MaxResponseWords
        // A response that only repeats the question teaches nothing.
        && !instructionWords.AsSpan().SequenceEqual(responseWords);
}
