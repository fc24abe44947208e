using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Forge.Shared.Text.Extraction;

/// <summary>
/// <see cref="IProcessRunner"/> over <see cref="Process"/>: UTF-8 output, a timeout and a cap on captured
/// output (a hostile document must not make a tool fill the memory), the process tree killed on any of them.
/// </summary>
public sealed class SystemProcessRunner(int maxOutputChars = SystemProcessRunner.DefaultMaxOutputChars) : IProcessRunner
{
    public const int DefaultMaxOutputChars = 64 * 1024 * 1024;
    private const int MaxErrorChars = 64 * 1024;

    public async Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ProgramNotFoundException(program, ex);
        }
        process.StandardInput.Close();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var output = ReadCappedAsync(process.StandardOutput, maxOutputChars, stopWhenFull: true, timeoutSource.Token);
            var error = ReadCappedAsync(process.StandardError, MaxErrorChars, stopWhenFull: false, timeoutSource.Token);
            var (stdout, outputTruncated) = await output;
            if (outputTruncated)
            {
                Kill(process);
                throw new ProcessOutputTooLargeException(program, maxOutputChars);
            }
            var (stderr, _) = await error;
            await process.WaitForExitAsync(timeoutSource.Token);
            return new ProcessResult(process.ExitCode, stdout, stderr);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            throw new TimeoutException($"'{program}' did not finish within {timeout.TotalSeconds:0} s; it was stopped.");
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>
    /// Reads up to <paramref name="maxChars"/>. Past that, stdout stops at once (the caller kills the process);
    /// stderr keeps being drained and discarded so the process never blocks on a full pipe.
    /// </summary>
    private static async Task<(string Text, bool Truncated)> ReadCappedAsync(StreamReader reader, int maxChars, bool stopWhenFull, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new char[16 * 1024];
        var truncated = false;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
        {
            if (text.Length + read > maxChars)
            {
                truncated = true;
                if (stopWhenFull)
                {
                    break;
                }
                continue;
            }
            text.Append(buffer, 0, read);
        }
        return (text.ToString(), truncated);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
