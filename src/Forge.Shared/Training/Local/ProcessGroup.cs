using System.Globalization;
using System.Runtime.InteropServices;

namespace Forge.Shared.Training.Local;

/// <summary>
/// A detached training process found again by numbers alone, as a restarted Forge must: its pid, which is also its
/// process group id (it leads its own session), the machine's boot id and the process's start time. The last two
/// keep a pid that was reused after a reboot or after the process ended from passing for the training.
/// Zombies count as ended: after a Forge restart nobody may reap the orphaned process.
/// </summary>
internal sealed record ProcessGroup(int Pid, string? BootId, long? StartTicks)
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int EPerm = 1;

    /// <summary>The process as it is now, with the boot id and start time that identify it later; null when it is gone.</summary>
    public static ProcessGroup? Find(int pid)
    {
        var stat = ReadStat(pid);
        if (stat is null)
        {
            return HasProcFileSystem || !SignalAccepted(pid) ? null : new ProcessGroup(pid, null, null);
        }
        return stat.Value.State is 'Z' or 'X' ? null : new ProcessGroup(pid, CurrentBootId(), stat.Value.StartTicks);
    }

    /// <summary>Whether the group's leader, the shell that writes the exit code, is still this very process.</summary>
    public bool LeaderRunning()
    {
        if (RebootedSince)
        {
            return false;
        }
        var stat = ReadStat(Pid);
        if (stat is null)
        {
            return !HasProcFileSystem && SignalAccepted(Pid);
        }
        return stat.Value.State is not ('Z' or 'X') && (StartTicks is null || stat.Value.StartTicks == StartTicks);
    }

    /// <summary>Whether any process of the group is alive, grandchildren included.</summary>
    public bool AnyMemberRunning()
    {
        if (!MaySignal())
        {
            return false;
        }
        if (!HasProcFileSystem)
        {
            return SignalAccepted(-Pid);
        }
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ReadStat(pid) is { } stat && stat.ProcessGroup == Pid && stat.State is not ('Z' or 'X'))
            {
                return true;
            }
        }
        return false;
    }

    public void Terminate() => Signal(SigTerm);

    public void Kill() => Signal(SigKill);

    private void Signal(int signal)
    {
        if (MaySignal())
        {
            // The whole group: the shell, the training command and whatever it started in the background.
            _ = kill(-Pid, signal);
        }
    }

    /// <summary>
    /// A group id cannot be handed out again while the group has members, but once they are all gone a new process
    /// may get the same number: signal only while the leader is ours or gone, and never after a reboot.
    /// </summary>
    private bool MaySignal()
    {
        if (RebootedSince)
        {
            return false;
        }
        var stat = ReadStat(Pid);
        return stat is null || StartTicks is null || stat.Value.StartTicks == StartTicks;
    }

    private bool RebootedSince => BootId is not null && CurrentBootId() is { } current && current != BootId;

    private static bool HasProcFileSystem => File.Exists("/proc/self/stat");

    private static string? CurrentBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Fields of <c>/proc/PID/stat</c>: state (3rd), process group (5th) and start time in clock ticks (22nd).</summary>
    private static (char State, int ProcessGroup, long StartTicks)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name in parentheses may itself hold spaces and parentheses; the fields after the last ')' do not.
        var fields = text[(text.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            || !long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }
        return (fields[0][0], group, start);
    }

    /// <summary>Signal 0 checks for existence without sending anything; EPERM means it exists under another user.</summary>
    private static bool SignalAccepted(int pid) => kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == EPerm;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
