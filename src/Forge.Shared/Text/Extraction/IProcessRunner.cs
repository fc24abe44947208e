namespace Forge.Shared.Text.Extraction;

/// <summary>Runs an external program to completion (the I/O seam in front of poppler's tools).</summary>
public interface IProcessRunner
{
    /// <exception cref="ProgramNotFoundException">The program is not installed (not on PATH).</exception>
    /// <exception cref="TimeoutException">The program ran longer than <paramref name="timeout"/>; it was killed.</exception>
    /// <exception cref="ProcessOutputTooLargeException">The program wrote more than the runner's output cap; it was killed.</exception>
    Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken);
}

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

public sealed class ProgramNotFoundException(string program, Exception? innerException = null)
    : Exception($"The program '{program}' was not found on PATH.", innerException)
{
    public string Program { get; } = program;
}

public sealed class ProcessOutputTooLargeException(string program, int maxChars)
    : Exception($"'{program}' wrote more than {maxChars} characters; it was stopped.");
