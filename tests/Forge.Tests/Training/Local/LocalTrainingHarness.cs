using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Shared.Training;
using Forge.Shared.Training.Local;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training.Local;

/// <summary>A temporary folder holding the test's scripts and the providers' job folders; stops what the test started.</summary>
public sealed class LocalTrainingHarness : IDisposable
{
    private readonly List<int> _groups = [];

    public LocalTrainingHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "forge-local-training-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string WorkDirectory => Path.Combine(Root, "jobs");

    public static byte[] TrainingBytes { get; } = Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n");

    /// <summary>A provider as a fresh Forge process would make it: nothing shared with earlier ones but the folder.</summary>
    public LocalTrainingProvider Provider(string command, int cancelGraceSeconds = 10, string? workDirectory = null) =>
        new(new LocalTrainingOptions { Command = command, WorkDirectory = workDirectory ?? WorkDirectory, CancelGraceSeconds = cancelGraceSeconds },
            new DataOptions { DataPath = Path.Combine(Root, "data") }, TimeProvider.System);

    /// <summary>Writes a <c>sh</c> script and returns the command that runs it.</summary>
    public string Script(string body)
    {
        var path = Path.Combine(Root, $"train-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "set -e\n" + body + "\n");
        return "sh " + LocalPath(path);
    }

    public string FileIn(string name) => Path.Combine(Root, name);

    public static TrainingSubmission Submission(string jobName = "forge-test", string baseModel = "meta-llama/Llama-3.2-1B", JsonObject? hyperparameters = null) => new(
        Guid.NewGuid(), jobName, baseModel, "sft", hyperparameters ?? new JsonObject { ["n_epochs"] = 3, ["learning_rate"] = 0.0002 },
        new TrainingData("exports/x/train.jsonl", "train.jsonl", TrainingBytes.Length, "abc", new Uri("https://forge.example/x"),
            _ => Task.FromResult<Stream>(new MemoryStream(TrainingBytes))));

    public async Task<TrainingHandle> SubmitAsync(LocalTrainingProvider provider, TrainingSubmission? submission = null)
    {
        var submitted = await provider.SubmitAsync(submission ?? Submission(), CancellationToken.None);
        _groups.Add(submitted.State["pid"]!.GetValue<int>());
        return new TrainingHandle(submitted.ExternalJobId, submitted.State);
    }

    /// <summary>Polls as the lifecycle does, carrying the state from one poll to the next, until <paramref name="done"/>.</summary>
    public static async Task<(TrainingHandle Handle, List<TrainingSnapshot> Polls)> PollUntilAsync(
        LocalTrainingProvider provider, TrainingHandle handle, Func<TrainingSnapshot, bool> done, string what)
    {
        var polls = new List<TrainingSnapshot>();
        await Poll.UntilAsync(async () =>
        {
            var snapshot = await provider.GetStatusAsync(handle, CancellationToken.None);
            polls.Add(snapshot);
            handle = handle with { State = snapshot.State };
            return snapshot;
        }, done, what);
        return (handle, polls);
    }

    public static async Task WaitForFileAsync(string path) =>
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(path) && new FileInfo(path).Length > 0), ready => ready, path);

    /// <summary>Alive and not a zombie: orphans are not always reaped here.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Any live process in the group, so that a test that failed midway leaves no grandchild behind.</summary>
    private static bool GroupHasMembers(int pgid) => Directory.EnumerateDirectories("/proc")
        .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
        .Any(pid => pid > 0 && IsRunning(pid) && ProcessGroupOf(pid) == pgid);

    private static int? ProcessGroupOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static void KillGroup(int pgid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-KILL", "--", $"-{pgid}"]) { RedirectStandardError = true })!;
        kill.WaitForExit();
    }

    public static string LocalPath(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        foreach (var pgid in _groups.Where(GroupHasMembers))
        {
            KillGroup(pgid);
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process still writing its log; the temp folder is cleaned up by the system eventually.
        }
    }
}
