using System.Runtime.InteropServices;

namespace Forge.Bench;

/// <summary>
/// The training benchmark's jobs' processes, found as Forge finds them: each job's launch shell leads its own session,
/// so its pid (in the job folder) is the process group of the script and its <c>sleep</c>.
/// </summary>
public sealed class TrainingProcesses(string workDirectory)
{
    private readonly HashSet<int> _leaders = [];

    /// <summary>Live (not zombie) processes in the jobs' groups, and the groups they are in.</summary>
    public (int Processes, HashSet<int> Groups) Alive()
    {
        lock (_leaders)
        {
            if (Directory.Exists(workDirectory))
            {
                foreach (var file in Directory.EnumerateFiles(workDirectory, "pid", SearchOption.AllDirectories))
                {
                    if (int.TryParse(SafeRead(file).Trim(), out var pid))
                    {
                        _leaders.Add(pid);
                    }
                }
            }
            var (processes, groups) = (0, new HashSet<int>());
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var stat = int.TryParse(Path.GetFileName(dir), out _) ? SafeRead(Path.Combine(dir, "stat")) : "";
                // After the command name in parentheses: state, parent pid, process group.
                var fields = stat.Length == 0 ? [] : stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 2 && fields[0] != "Z" && int.TryParse(fields[2], out var group) && _leaders.Contains(group))
                {
                    processes++;
                    groups.Add(group);
                }
            }
            return (processes, groups);
        }
    }

    /// <summary>Waits for the processes to end by themselves, then kills the groups still alive; returns how many were killed.</summary>
    public async Task<int> EndAsync(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (Alive().Processes > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        var killed = 0;
        foreach (var group in Alive().Groups)
        {
            killed += kill(-group, 9) == 0 ? 1 : 0;
        }
        await Task.Delay(killed > 0 ? 500 : 0);
        return killed;
    }

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
