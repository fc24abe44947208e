using Forge.Shared.Data;
using Forge.Shared.Durable;
using Microsoft.DurableTask;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.TrainingPairs;

/// <summary>
/// TrainingPairGeneration (instance <c>training-pairs-generate-{runId}</c>): the run reads <c>running</c>, every topic
/// becomes a pair in waves of <see cref="PairGenerationStart.Concurrency"/>, and the run reads <c>completed</c> — or
/// <c>failed</c> with the first topic's error once its retries are used up (pairs made so far are kept).
/// </summary>
public sealed class PairGenerationOrchestrator(ActivityRetry retry) : TaskOrchestrator<PairGenerationStart, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, PairGenerationStart start)
    {
        await context.CallActivityAsync<bool>(TrainingPairGeneration.Start, new PairGenerationEnd(start.RunId, null), retry.Options);
        string? error = null;
        var topics = Enumerable.Range(0, start.Plan.Topics.Count).ToList();
        foreach (var wave in topics.Chunk(start.Concurrency))
        {
            var calls = wave.Select(i => context.CallActivityAsync<bool>(TrainingPairGeneration.GenerateActivity,
                new PairGenerationInput(start.RunId, start.Plan, i), retry.Options)).ToList();
            try
            {
                await Task.WhenAll(calls);
            }
            catch (TaskFailedException)
            {
                // Task.WhenAll surfaces one failure: the run reports the first failed topic of the wave, in order.
                var failed = calls.First(c => c.IsFaulted).Exception!.InnerException as TaskFailedException;
                error = ErrorText(failed!.FailureDetails);
                break;
            }
        }
        await context.CallActivityAsync<bool>(TrainingPairGeneration.Finish, new PairGenerationEnd(start.RunId, error), retry.Options);
        return error is null ? PairGenerationStatus.Completed : PairGenerationStatus.Failed;
    }

    /// <summary>"activity: message", with the attempts when retries ran out, as the engine recorded a dead item.</summary>
    private string ErrorText(TaskFailureDetails failure)
    {
        var message = $"{TrainingPairGeneration.GenerateActivity}: {failure.ErrorMessage}";
        return failure.IsCausedBy<PermanentActivityException>() ? message : $"{message} (after {retry.MaxAttempts} attempts)";
    }
}

/// <summary>How a run ends: <see cref="Error"/> null for completed. Also the input of the start, where it is null.</summary>
public sealed record PairGenerationEnd(Guid RunId, string? Error);

/// <summary>The run reads <c>running</c> (a pending one only: a second run of this activity changes nothing).</summary>
public sealed class StartPairGenerationActivity(ForgeDbContext db, TimeProvider time) : TaskActivity<PairGenerationEnd, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PairGenerationEnd input)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await db.Set<PairGenerationRun>().Where(r => r.Id == input.RunId && r.Status == PairGenerationStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, PairGenerationStatus.Running).SetProperty(r => r.UpdatedAt, now)) > 0;
    }
}

/// <summary>The run reads <c>completed</c>, or <c>failed</c> with its error; an ended run is left as it is.</summary>
public sealed class FinishPairGenerationActivity(ForgeDbContext db, TimeProvider time) : TaskActivity<PairGenerationEnd, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PairGenerationEnd input) =>
        await PairGenerationRuns.EndAsync(db, input.RunId, input.Error, time.GetUtcNow().UtcDateTime, CancellationToken.None);
}

public static class PairGenerationRuns
{
    /// <summary>Ends a run not yet ended; false when it had ended already.</summary>
    public static async Task<bool> EndAsync(ForgeDbContext db, Guid runId, string? error, DateTime now, CancellationToken ct)
    {
        var status = error is null ? PairGenerationStatus.Completed : PairGenerationStatus.Failed;
        return await db.Set<PairGenerationRun>()
            .Where(r => r.Id == runId && r.Status != PairGenerationStatus.Completed && r.Status != PairGenerationStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.Error, error).SetProperty(r => r.UpdatedAt, now), ct) > 0;
    }
}
