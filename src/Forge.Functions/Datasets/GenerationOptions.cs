using System.ComponentModel.DataAnnotations;

namespace Forge.Functions.Datasets;

/// <summary>Synthetic generation settings (host.json <c>generation</c>).</summary>
public sealed class GenerationOptions
{
    public const string SectionName = "Forge:Generation";

    /// <summary>Model calls in flight at once in this process, across every dataset and batch.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>How many times a malformed answer is asked again before the item is skipped.</summary>
    [Range(0, 10)]
    public int MalformedRetries { get; set; } = 2;

    /// <summary>Items a generation makes when the request gives no <c>max_items</c>.</summary>
    [Range(1, 10_000)]
    public int DefaultMaxItems { get; set; } = 10_000;
}

/// <summary>Bounds the model calls in flight in this process (<see cref="GenerationOptions.MaxConcurrency"/>).</summary>
public sealed class GenerationThrottle(Microsoft.Extensions.Options.IOptions<GenerationOptions> options)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);

    /// <summary>Model calls in flight now, for diagnostics.</summary>
    public int InUse => options.Value.MaxConcurrency - _slots.CurrentCount;

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
