using Forge.Shared.Durable;
using Microsoft.DurableTask;

namespace Forge.Functions.Datasets;

/// <summary>
/// SyntheticGeneration, top to bottom: plan the (segment, variant) keys; fan the batches out in a sliding window of
/// <see cref="GenerationRun.BatchesInFlight"/>, racing a <c>cancel</c> event; fan in; mark near-duplicates and set
/// <c>ready</c>. A failed batch (a refused key at once, a throttled or failing provider after its retries) or a
/// cancel ends the generation with its reason once the batches in flight have stopped, keeping every item made.
/// Long generations continue as new every <see cref="BatchesPerExecution"/> batches so the history stays small.
/// </summary>
public sealed class SyntheticGenerationOrchestrator(ActivityRetry retry) : TaskOrchestrator<GenerationRun, string>
{
    public const int BatchesPerExecution = 100;

    public override async Task<string> RunAsync(TaskOrchestrationContext context, GenerationRun run)
    {
        var cancel = context.WaitForExternalEvent<DateTime>(SyntheticGeneration.CancelEvent);
        try
        {
            var keys = run.Remaining;
            var planned = run.Planned;
            if (keys is null)
            {
                var plan = await context.CallActivityAsync<GenerationPlan>(SyntheticGeneration.Plan, run, retry.Options);
                if (plan.Stopped)
                {
                    return await EndAsync(context, run, "Generation was cancelled");
                }
                (keys, planned) = (plan.Keys, plan.Keys.Count);
            }

            var batches = keys.Chunk(run.BatchSize).Select(chunk => new GenerationBatchInput(run.DatasetId, run.Number, run.RunId, [.. chunk])).ToList();
            var now = batches.Take(BatchesPerExecution).ToList();
            if (await FanOutAsync(context, now, run.BatchesInFlight, cancel, planned, keys.Count))
            {
                return await EndAsync(context, run, "Generation was cancelled");
            }
            if (batches.Count > now.Count)
            {
                context.ContinueAsNew(run with { Remaining = [.. batches.Skip(now.Count).SelectMany(b => b.Keys)], Planned = planned });
                return "continued";
            }

            await context.CallActivityAsync(SyntheticGeneration.Finish, run, retry.Options);
            return "ready";
        }
        catch (TaskFailedException e)
        {
            return await EndAsync(context, run, $"Generation failed: {ActivityFailureText.Of(e, retry)}");
        }
    }

    /// <summary>
    /// Runs the batches, at most <paramref name="window"/> at once; true when a cancel came (by the event, or a batch
    /// that found the dataset's cancel flag). After a cancel or a failure nothing more is scheduled, and the batches
    /// already in flight are waited for, so the dataset's end is recorded after their last item.
    /// </summary>
    private async Task<bool> FanOutAsync(TaskOrchestrationContext context, List<GenerationBatchInput> batches, int window,
        Task cancel, int planned, int remaining)
    {
        var inFlight = new List<Task<GenerationBatchResult>>();
        var next = 0;
        var made = 0;
        var stopped = false;
        TaskFailedException? failure = null;
        while (true)
        {
            while (!stopped && failure is null && next < batches.Count && inFlight.Count < window)
            {
                inFlight.Add(context.CallActivityAsync<GenerationBatchResult>(SyntheticGeneration.Batch, batches[next++], retry.Options));
            }
            if (inFlight.Count == 0)
            {
                break;
            }
            var finished = stopped ? await Task.WhenAny(inFlight) : await Task.WhenAny([.. inFlight, cancel]);
            if (finished == cancel)
            {
                stopped = true;
                continue;
            }
            var batch = (Task<GenerationBatchResult>)finished;
            inFlight.Remove(batch);
            try
            {
                var result = await batch;
                made += result.Made;
                stopped |= result.Stopped;
            }
            catch (TaskFailedException e)
            {
                failure ??= e;
            }
            context.SetCustomStatus(new { planned, remaining, made, batches_in_flight = inFlight.Count });
        }
        if (failure is not null)
        {
            throw failure;
        }
        return stopped;
    }

    private async Task<string> EndAsync(TaskOrchestrationContext context, GenerationRun run, string error)
    {
        await context.CallActivityAsync(SyntheticGeneration.End, new GenerationEnd(run.DatasetId, run.Number, error), retry.Options);
        return error;
    }
}
