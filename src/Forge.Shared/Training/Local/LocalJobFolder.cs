using System.Globalization;
using System.Text;

namespace Forge.Shared.Training.Local;

/// <summary>
/// One job's folder, the only record of a local job that survives a Forge restart: the training data, the
/// hyperparameters, the launch script, the process's pid, its logs and, once it ended, its exit code.
/// </summary>
internal sealed class LocalJobFolder(string path)
{
    public string Path { get; } = path;

    public string TrainingFile => File("train.jsonl");

    public string HyperparametersFile => File("hyperparameters.json");

    public string OutputDirectory => File("output");

    public string Script => File("run.sh");

    /// <summary>Made (atomically) just before the process is started: a second submission waits for its pid.</summary>
    public string Launched => File("launched");

    public string Pid => File("pid");

    public string ExitCode => File("exit_code");

    public string Cancelled => File("cancelled");

    public string Stdout => File("stdout.log");

    public string Stderr => File("stderr.log");

    /// <summary>What the shell itself says (a command that cannot be found, a folder it cannot write).</summary>
    public string LauncherLog => File("launcher.log");

    public int? ReadPid() => ReadInt(Pid);

    public int? ReadExitCode() => ReadInt(ExitCode);

    /// <summary>
    /// The script that runs the command, given to it as the script's own arguments: it reports its own pid (it leads a
    /// new session, so the pid is also the process group id), sends the command's output to the logs, and writes the
    /// exit code when the command ends, each file through a rename so a reader never sees half of it. The command is
    /// run as <c>exec "$@"</c>: its words are never parsed by the shell, and the first is a program, not a builtin.
    /// Only this folder's own paths are in the script's text, quoted.
    /// </summary>
    public string LaunchScript(string jobName) => string.Join('\n',
        "#!/bin/sh",
        $"# Forge training job {jobName}: runs detached from Forge, which follows it through the files in this folder.",
        $"exec </dev/null >>{ShellQuote(LauncherLog)} 2>&1",
        $"echo $$ > {ShellQuote(Pid)}.tmp && mv {ShellQuote(Pid)}.tmp {ShellQuote(Pid)}",
        $"( exec \"$@\" ) >{ShellQuote(Stdout)} 2>{ShellQuote(Stderr)}",
        $"echo $? > {ShellQuote(ExitCode)}.tmp && mv {ShellQuote(ExitCode)}.tmp {ShellQuote(ExitCode)}",
        "");

    /// <summary>The last lines of stderr, which is where a failed training says why.</summary>
    public string StderrTail(int maxBytes = 4096, int maxLines = 20)
    {
        try
        {
            using var stream = new FileStream(Stderr, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(0, stream.Length - maxBytes);
            stream.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lines = reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
            // A tail cut mid-line starts with a fragment; drop it unless it is all there is.
            if (start > 0 && lines.Count > 1)
            {
                lines.RemoveAt(0);
            }
            return string.Join('\n', lines.TakeLast(maxLines));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return "";
        }
    }

    public string LauncherLogText()
    {
        try
        {
            return System.IO.File.ReadAllText(LauncherLog).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return "";
        }
    }

    /// <summary>POSIX single quotes: nothing inside is special, and a quote is written as <c>'\''</c>.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private string File(string name) => System.IO.Path.Combine(Path, name);

    private static int? ReadInt(string file)
    {
        try
        {
            return int.TryParse(System.IO.File.ReadAllText(file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
