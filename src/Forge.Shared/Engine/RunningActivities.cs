using System.Collections.Concurrent;

namespace Forge.Shared.Engine;

/// <summary>The activities running in this process, so a cancelled run can signal their tokens.</summary>
public sealed class RunningActivities
{
    private readonly ConcurrentDictionary<Guid, Entry> _byItem = new();

    public int Count => _byItem.Count;

    internal CancellationTokenSource Add(EngineWorkItem item)
    {
        var cts = new CancellationTokenSource();
        _byItem[item.Id] = new Entry(item.RunId, cts);
        return cts;
    }

    internal void Remove(Guid itemId)
    {
        if (_byItem.TryRemove(itemId, out var entry))
        {
            entry.Cancellation.Dispose();
        }
    }

    internal IReadOnlyCollection<Guid> ItemIds => _byItem.Keys.ToList();

    internal IReadOnlyCollection<Guid> RunIds => _byItem.Values.Select(e => e.RunId).Distinct().ToList();

    public void CancelRun(Guid runId)
    {
        foreach (var entry in _byItem.Values.Where(e => e.RunId == runId))
        {
            try
            {
                entry.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The activity finished in the meantime.
            }
        }
    }

    private sealed record Entry(Guid RunId, CancellationTokenSource Cancellation);
}
