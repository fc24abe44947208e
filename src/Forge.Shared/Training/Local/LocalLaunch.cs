using Forge.Shared.Durable;
using System.Diagnostics;

namespace Forge.Shared.Training.Local;

/// <summary>Prepares a job folder and starts its script detached, in a session of its own.</summary>
internal static class LocalLaunch
{
    /// <summary>
    /// Each file goes through a rename from a name of this attempt's own, so that two attempts racing here (the
    /// engine runs activities at least once) write the same files whole and never truncate one the other reads.
    /// </summary>
    public static async Task WriteInputsAsync(TrainingSubmission submission, LocalJobFolder folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder.OutputDirectory);
        var attempt = Guid.NewGuid().ToString("N");
        var partial = $"{folder.TrainingFile}.{attempt}";
        await using (var source = await submission.Data.OpenReadAsync(cancellationToken))
        await using (var target = File.Create(partial))
        {
            await source.CopyToAsync(target, cancellationToken);
        }
        File.Move(partial, folder.TrainingFile, overwrite: true);
        await WriteWholeAsync(folder.HyperparametersFile, submission.Hyperparameters.ToJsonString(), attempt, cancellationToken);
        await WriteWholeAsync(folder.Script, folder.LaunchScript(submission.JobName), attempt, cancellationToken);
    }

    private static async Task WriteWholeAsync(string path, string text, string attempt, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync($"{path}.{attempt}", text, cancellationToken);
        File.Move($"{path}.{attempt}", path, overwrite: true);
    }

    /// <summary>Made atomically right before the start: of two racing attempts, only one starts a process.</summary>
    public static bool TryClaim(LocalJobFolder folder)
    {
        try
        {
            using var claim = new FileStream(folder.Launched, FileMode.CreateNew, FileAccess.Write);
            return true;
        }
        catch (IOException) when (File.Exists(folder.Launched))
        {
            return false;
        }
    }

    private static readonly string[] PassedNames = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TZ", "TMPDIR", "TERM", "VIRTUAL_ENV", "PYTHONPATH", "DOCKER_HOST"];
    private static readonly string[] PassedPrefixes = ["LC_", "CUDA_", "NVIDIA_", "HF_", "HUGGING_FACE_", "TRANSFORMERS_", "TORCH_", "CONDA_", "OMP_", "XDG_"];

    internal static bool PassedThrough(string name) =>
        PassedNames.Contains(name, StringComparer.Ordinal) || PassedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    /// <param name="command">The program and its arguments, placeholders already replaced: each is one argv entry.</param>
    public static async Task StartAsync(TrainingSubmission submission, LocalJobFolder folder, IReadOnlyList<string> command,
        LocalJobValues values, CancellationToken cancellationToken)
    {
        // setsid -f: a new session (and process group) whose leader is not Forge's child, so it outlives Forge.
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = folder.Path };
        foreach (var argument in new[] { "-f", "/bin/sh", folder.Script }.Concat(command))
        {
            start.ArgumentList.Add(argument);
        }
        // Forge's environment holds secrets the training has no business seeing (connection strings, Azure client
        // secrets, managed-identity endpoints): the command gets only an allowlist, plus FORGE_* below.
        foreach (var name in start.Environment.Keys.Where(k => !PassedThrough(k)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in values.Environment)
        {
            start.Environment[name] = value;
        }
        try
        {
            using var launcher = Process.Start(start) ?? throw new PermanentActivityException("setsid could not be started.");
            await launcher.WaitForExitAsync(cancellationToken);
            if (launcher.ExitCode != 0)
            {
                throw new PermanentActivityException($"setsid exited with code {launcher.ExitCode} starting the training for {submission.JobName}.");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PermanentActivityException($"The local training provider needs setsid (util-linux) and /bin/sh: {e.Message}", e);
        }
    }
}
