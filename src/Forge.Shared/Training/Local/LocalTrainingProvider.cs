using Forge.Shared.Durable;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forge.Shared.Data;

namespace Forge.Shared.Training.Local;

/// <summary>
/// Trains by running <see cref="LocalTrainingOptions.Command"/> on this machine (a script, or a CUDA container through
/// <c>docker run</c>). The command runs detached in its own session under <c>setsid</c>, so it outlives Forge, and
/// everything needed to follow it lives in its job folder (<c>{WorkDirectory}/{JobName}</c>) and in the handle's
/// state: a new Forge process, or another machine sharing the folder and the process table, picks it up from there.
/// The external job id is the job name, which also names the folder.
/// </summary>
public sealed partial class LocalTrainingProvider(LocalTrainingOptions options, DataOptions data, TimeProvider timeProvider) : ITrainingProvider
{
    public const string ProviderName = "local";

    /// <summary>One poll reads at most this much of stdout; the rest waits for the next poll.</summary>
    private const int MaxLogBytesPerPoll = 256 * 1024;

    /// <summary>The launch script reports its pid first thing; longer than this means it never started.</summary>
    private static readonly TimeSpan PidWait = TimeSpan.FromSeconds(10);

    /// <summary>How long a SIGKILLed group may take to be gone (a process in uninterruptible I/O dies when that ends).</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public string Name => ProviderName;

    /// <summary>Where job folders go: the configured folder, else <c>{Forge:DataPath}/training</c>.</summary>
    public string WorkDirectory { get; } = string.IsNullOrWhiteSpace(options.WorkDirectory)
        ? Path.Combine(data.FullDataPath, "training")
        : Path.GetFullPath(options.WorkDirectory);

    public async Task<TrainingSubmitted> SubmitAsync(TrainingSubmission submission, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Command))
        {
            throw new PermanentActivityException(
                $"The local training provider has no command: set {LocalTrainingOptions.SectionName}:Command (e.g. 'python3 /opt/train.py --data {{data}} --out {{output}}').");
        }
        // Checked at start-up too; a provider made without the options validation (tests, tools) checks here.
        if (LocalCommand.Parse(options.Command) is not { Command: { } command })
        {
            throw new PermanentActivityException(LocalTrainingOptionsValidator.Describe(options.Command));
        }
        if (!SafeJobName().IsMatch(submission.JobName))
        {
            throw new PermanentActivityException($"'{submission.JobName}' cannot name a local job folder: use letters, digits, '.', '_' and '-'.");
        }
        var folder = new LocalJobFolder(Path.Combine(WorkDirectory, submission.JobName));
        // Before anything is written: a refused value leaves no folder, script or process behind.
        var values = LocalJobValues.For(submission, folder);
        if (folder.ReadPid() is { } existing)
        {
            return Submitted(submission.JobName, folder, existing);
        }
        Directory.CreateDirectory(folder.Path);
        if (File.Exists(folder.Launched))
        {
            // An earlier attempt got as far as starting the process: give it the time to report before starting another.
            if (await WaitForPidAsync(folder, cancellationToken) is { } pid)
            {
                return Submitted(submission.JobName, folder, pid);
            }
            File.Delete(folder.Launched);
        }

        await LocalLaunch.WriteInputsAsync(submission, folder, cancellationToken);
        if (!LocalLaunch.TryClaim(folder))
        {
            // Another attempt of this submission is launching right now; follow its process.
            return await WaitForPidAsync(folder, cancellationToken) is { } pid
                ? Submitted(submission.JobName, folder, pid)
                : throw new RetryableActivityException($"Another submission of {submission.JobName} is starting its process.");
        }
        await LocalLaunch.StartAsync(submission, folder, command.Arguments(values.Placeholders), values, cancellationToken);
        return await WaitForPidAsync(folder, cancellationToken) is { } started
            ? Submitted(submission.JobName, folder, started)
            : throw new PermanentActivityException(
                $"The local training process for {submission.JobName} did not start. {folder.LauncherLogText()}".Trim());
    }

    public Task<TrainingSnapshot> GetStatusAsync(TrainingHandle handle, CancellationToken cancellationToken)
    {
        var state = handle.State.DeepClone().AsObject();
        var folder = Folder(handle);
        var group = Group(state, folder) ?? throw new PermanentActivityException(
            $"There is no local training job {handle.ExternalJobId} in {folder.Path}: its folder has no pid.");
        var now = timeProvider.GetUtcNow().UtcDateTime;

        // The state is decided before the log is read: once the exit code is there, the log is complete.
        var (status, error) = Decide(folder, group);
        var log = TrainingLog.Read(folder.Stdout, Offset(state), MaxLogBytesPerPoll, TrainingState.IsTerminal(status), now);
        if (log.More && TrainingState.IsTerminal(status))
        {
            // Not reported as ended until the whole log has been read, or the lifecycle would stop polling and lose its end.
            (status, error) = (TrainingState.Running, null);
        }
        state["offset"] = log.Offset;
        var metrics = state["metrics"] as JsonObject ?? new JsonObject();
        foreach (var (name, value) in log.Metrics ?? [])
        {
            metrics[name] = value!.DeepClone();
        }
        state["metrics"] = metrics;
        if (log.Model is not null)
        {
            state["model"] = log.Model;
        }

        var events = log.Events.ToList();
        if (state["status"]?.GetValue<string>() != status)
        {
            var change = new TrainingEvent($"status:{status}", now, "status", error ?? StatusMessage(status, group.Pid),
                new JsonObject { ["status"] = status });
            events.Insert(TrainingState.IsTerminal(status) ? events.Count : 0, change);
            state["status"] = status;
        }
        var model = status == TrainingState.Succeeded ? state["model"]?.GetValue<string>() ?? folder.OutputDirectory : null;
        return Task.FromResult(new TrainingSnapshot(status, metrics.DeepClone().AsObject(), events, model, error, state));
    }

    public async Task CancelAsync(TrainingHandle handle, CancellationToken cancellationToken)
    {
        var folder = Folder(handle);
        if (folder.ReadExitCode() is not null)
        {
            return;
        }
        if (Group(handle.State, folder) is not { } group)
        {
            // Never started: nothing to stop, and the job is cancelled all the same.
            await File.WriteAllTextAsync(folder.Cancelled, "", cancellationToken);
            return;
        }
        // Marked first, so that a poll during the grace period reports cancelled rather than a vanished process.
        await File.WriteAllTextAsync(folder.Cancelled, timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), cancellationToken);
        group.Terminate();
        if (!await WaitForGroupToEndAsync(group, TimeSpan.FromSeconds(options.CancelGraceSeconds), cancellationToken))
        {
            group.Kill();
            // A kill is delivered, not done, when kill() returns: wait so that the job has stopped when this returns.
            await WaitForGroupToEndAsync(group, KillWait, cancellationToken);
        }
    }

    private async Task<bool> WaitForGroupToEndAsync(ProcessGroup group, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + wait;
        while (group.AnyMemberRunning())
        {
            if (timeProvider.GetUtcNow() >= deadline)
            {
                return false;
            }
            await Task.Delay(PollInterval, timeProvider, cancellationToken);
        }
        return true;
    }

    private static (string Status, string? Error) Decide(LocalJobFolder folder, ProcessGroup group)
    {
        if (File.Exists(folder.Cancelled))
        {
            return (TrainingState.Cancelled, null);
        }
        if (folder.ReadExitCode() is { } code)
        {
            return Exited(folder, code);
        }
        if (group.LeaderRunning())
        {
            return (TrainingState.Running, null);
        }
        // It may have ended between the two looks.
        return folder.ReadExitCode() is { } late
            ? Exited(folder, late)
            : (TrainingState.Failed, $"The training process (pid {group.Pid}) disappeared without an exit code: the machine restarted, or something killed it.");
    }

    private static (string Status, string? Error) Exited(LocalJobFolder folder, int code)
    {
        if (code == 0)
        {
            return (TrainingState.Succeeded, null);
        }
        var tail = folder.StderrTail();
        return (TrainingState.Failed, tail.Length == 0
            ? $"The training command exited with code {code} and wrote nothing to stderr."
            : $"The training command exited with code {code}:\n{tail}");
    }

    private static string StatusMessage(string status, int pid) => status switch
    {
        TrainingState.Running => $"The training process is running (pid {pid}).",
        TrainingState.Succeeded => "The training command exited with code 0.",
        TrainingState.Cancelled => "The training process was cancelled.",
        _ => status,
    };

    private async Task<int?> WaitForPidAsync(LocalJobFolder folder, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + PidWait;
        while (true)
        {
            if (folder.ReadPid() is { } pid)
            {
                return pid;
            }
            if (timeProvider.GetUtcNow() >= deadline)
            {
                return null;
            }
            await Task.Delay(PollInterval, timeProvider, cancellationToken);
        }
    }

    private static TrainingSubmitted Submitted(string jobName, LocalJobFolder folder, int pid)
    {
        // Identified now, while it runs, so that a later look can tell it from a process that reuses its pid.
        var group = ProcessGroup.Find(pid);
        var state = new JsonObject { ["dir"] = folder.Path, ["pid"] = pid, ["offset"] = 0L };
        if (group?.BootId is { } bootId)
        {
            state["boot_id"] = bootId;
        }
        if (group?.StartTicks is { } startTicks)
        {
            state["start_ticks"] = startTicks;
        }
        return new TrainingSubmitted(jobName, state);
    }

    private LocalJobFolder Folder(TrainingHandle handle) =>
        new(handle.State["dir"]?.GetValue<string>() ?? Path.Combine(WorkDirectory, handle.ExternalJobId));

    private static ProcessGroup? Group(JsonObject state, LocalJobFolder folder)
    {
        var pid = (int?)Number(state["pid"]) ?? folder.ReadPid();
        return pid is null ? null : new ProcessGroup(pid.Value, state["boot_id"]?.GetValue<string>(), Number(state["start_ticks"]));
    }

    private static long Offset(JsonObject state) => Number(state["offset"]) ?? 0;

    /// <summary>A number from the state, whether it was put there in this process or read back from the database.</summary>
    private static long? Number(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<long>(out var number) ? number : value.TryGetValue<int>(out var small) ? small : null
        : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$", RegexOptions.NonBacktracking)]
    private static partial Regex SafeJobName();
}
