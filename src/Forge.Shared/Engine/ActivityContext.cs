using Forge.Shared.Durable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Shared.Data;

namespace Forge.Shared.Engine;

/// <summary>What an activity knows of its run and what it asks the engine to do next.</summary>
public sealed class ActivityContext
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly List<ScheduledItem> _scheduled = [];
    private readonly List<PlannedJoin> _joins = [];
    private readonly List<Func<ForgeDbContext, CancellationToken, Task>> _onCommit = [];
    private JsonObject? _state;

    internal ActivityContext(EngineWorkItem item, EngineRun run)
    {
        Item = item;
        Run = run;
    }

    internal EngineWorkItem Item { get; }
    internal EngineRun Run { get; }
    internal IReadOnlyList<ScheduledItem> Scheduled => _scheduled;
    internal IReadOnlyList<PlannedJoin> Joins => _joins;
    internal IReadOnlyList<Func<ForgeDbContext, CancellationToken, Task>> CommitActions => _onCommit;
    internal string? NewState => _state?.ToJsonString();
    internal int? ProgressDone { get; private set; }
    internal int? ProgressTotal { get; private set; }
    internal string? Step { get; private set; }
    internal string? RunFailure { get; private set; }

    public Guid RunId => Item.RunId;
    public Guid WorkItemId => Item.Id;
    public string ActivityName => Item.Activity;
    public string RunType => Run.Type;
    public string? Subject => Run.Subject;
    /// <summary>1 on the first execution, higher on retries and after a lost worker.</summary>
    public int Attempt => Item.Attempts;
    public string RawInput => Item.Payload;

    public T GetInput<T>() => JsonSerializer.Deserialize<T>(Item.Payload, Json)
        ?? throw new PermanentActivityException($"Activity '{Item.Activity}' received no input.");

    /// <summary>The run's JSON state; changes are saved with the item's completion.</summary>
    public JsonObject State => _state ??= JsonNode.Parse(Run.State) as JsonObject ?? [];

    /// <summary>Schedules the next activity of the run, optionally as a durable timer.</summary>
    public void Schedule(string activity, object? input = null, TimeSpan? delay = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activity);
        _scheduled.Add(new ScheduledItem(activity, Serialize(input), delay ?? TimeSpan.Zero, null, $"{Item.Id:N}/{_scheduled.Count}"));
    }

    /// <summary>
    /// Runs <paramref name="activity"/> once per input, in parallel on any workers, and <paramref name="then"/>
    /// once after the last of them has completed.
    /// </summary>
    public void FanOut<T>(string activity, IEnumerable<T> inputs, string then, object? thenInput = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activity);
        ArgumentException.ThrowIfNullOrWhiteSpace(then);
        var joinKey = $"{Item.Id:N}/join{_joins.Count}";
        var children = inputs.Select((input, i) => new ScheduledItem(activity, Serialize(input), TimeSpan.Zero, joinKey, $"{joinKey}/{i}")).ToList();
        if (children.Count == 0)
        {
            _scheduled.Add(new ScheduledItem(then, Serialize(thenInput), TimeSpan.Zero, null, $"{joinKey}/then"));
            return;
        }
        _joins.Add(new PlannedJoin(joinKey, children.Count, then, Serialize(thenInput)));
        _scheduled.AddRange(children);
    }

    public void ReportProgress(int done, int total, string? step = null)
    {
        ProgressDone = done;
        ProgressTotal = total;
        Step = step ?? Step;
    }

    public void SetStep(string step) => Step = step;

    /// <summary>Work to do inside the completing transaction (raw SQL, changes outside the EF model).</summary>
    public void OnCommit(Func<ForgeDbContext, CancellationToken, Task> action) => _onCommit.Add(action);

    /// <summary>Ends the run as failed once this item completes; nothing it scheduled runs.</summary>
    public void FailRun(string error) => RunFailure = error;

    private static string Serialize(object? input) => input switch
    {
        null => "null",
        string s => JsonSerializer.Serialize(s, Json),
        JsonNode node => node.ToJsonString(),
        _ => JsonSerializer.Serialize(input, input.GetType(), Json),
    };
}

internal sealed record ScheduledItem(string Activity, string Payload, TimeSpan Delay, string? JoinKey, string Key);

internal sealed record PlannedJoin(string Key, int Total, string Then, string ThenPayload);
