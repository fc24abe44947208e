namespace Forge.Shared.Engine;

/// <summary>
/// Wakes the workers of this process: set when work is enqueued here, when a PostgreSQL NOTIFY arrives,
/// and when a worker slot frees up. Waiters fall back to polling, so a lost pulse only costs latency.
/// </summary>
public sealed class EngineSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Pulse()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another thread pulsed first: the waiter is woken either way.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout, cancellationToken);
}
