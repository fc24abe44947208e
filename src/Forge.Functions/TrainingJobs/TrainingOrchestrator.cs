using Forge.Shared.Durable;
using Microsoft.DurableTask;

namespace Forge.Functions.TrainingJobs;

/// <summary>
/// The orchestration's input. <see cref="Execution"/> counts the <c>ContinueAsNew</c>s: 0 is the first, which validates
/// and submits; later ones carry on polling after <see cref="NextPollSeconds"/>.
/// </summary>
public sealed record TrainingRun(Guid JobId, int PollsPerExecution, int NextPollSeconds = 0, int Execution = 0);

/// <summary>
/// The TrainingLifecycle (instance <c>training-{jobId}</c>): validate the export against the rules, submit it under
/// Forge's job name (idempotent at every provider), then poll on durable timers until the job ends — status, events and
/// metrics recorded by each poll. A <c>cancel</c> event cuts the wait short and asks the provider to stop; the next
/// poll sees it stopped. Every <see cref="TrainingRun.PollsPerExecution"/> polls the history starts afresh
/// (ContinueAsNew), so a job training for days keeps a short one. A step failing for good fails the job with its error.
/// </summary>
public sealed class TrainingOrchestrator(ActivityRetry retry) : TaskOrchestrator<TrainingRun, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, TrainingRun run)
    {
        var step = TrainingLifecycle.Validate;
        try
        {
            var wait = run.NextPollSeconds;
            if (run.Execution == 0)
            {
                if ((await CallAsync(context, step, run.JobId)).Ended)
                {
                    return "ended at validation";
                }
                step = TrainingLifecycle.Submit;
                var submitted = await CallAsync(context, step, run.JobId);
                if (submitted.Ended)
                {
                    return "ended before submission";
                }
                wait = submitted.NextPollSeconds;
            }
            Task<object?>? cancel = context.WaitForExternalEvent<object?>(TrainingLifecycle.CancelEvent);
            for (var polls = 0; polls < run.PollsPerExecution; polls++)
            {
                if (await WaitOrCancelAsync(context, wait, cancel))
                {
                    cancel = null;
                    step = TrainingLifecycle.Cancel;
                    await context.CallActivityAsync<bool>(step, run.JobId, retry.Options);
                }
                step = TrainingLifecycle.Poll;
                var polled = await CallAsync(context, step, run.JobId);
                if (polled.Ended)
                {
                    return "ended";
                }
                wait = polled.NextPollSeconds;
            }
            // Events not yet received (a cancel) are carried into the next execution.
            context.ContinueAsNew(run with { NextPollSeconds = wait, Execution = run.Execution + 1 });
            return "continued";
        }
        catch (TaskFailedException failed)
        {
            await context.CallActivityAsync<bool>(TrainingLifecycle.Fail, new TrainingFailure(run.JobId, ErrorText(step, failed.FailureDetails)), retry.Options);
            return "failed";
        }
    }

    /// <summary>Poll intervals are durable timers, which have whole-second resolution: a setting under a second is one second.</summary>
    public static int WholeSeconds(double milliseconds) => Math.Max(1, (int)Math.Ceiling(milliseconds / 1000));

    /// <summary>The error the engine recorded for a dead step, kept word for word: "step: message", and the attempts when retries ran out.</summary>
    internal string ErrorText(string step, TaskFailureDetails failure)
    {
        var message = $"{step}: {failure.ErrorMessage}";
        return failure.IsCausedBy<PermanentActivityException>() ? message : $"{message} (after {retry.MaxAttempts} attempts)";
    }

    private Task<TrainingStep> CallAsync(TaskOrchestrationContext context, string activity, Guid jobId) =>
        context.CallActivityAsync<TrainingStep>(activity, jobId, retry.Options);

    /// <summary>True when the cancel event came first; without one to race (a cancel already taken), only the timer.</summary>
    private static async Task<bool> WaitOrCancelAsync(TaskOrchestrationContext context, int seconds, Task<object?>? cancel)
    {
        if (cancel is null)
        {
            await context.CreateTimer(TimeSpan.FromSeconds(seconds), CancellationToken.None);
            return false;
        }
        if (cancel.IsCompleted)
        {
            return true;
        }
        using var stopTimer = new CancellationTokenSource();
        var timer = context.CreateTimer(TimeSpan.FromSeconds(seconds), stopTimer.Token);
        if (await Task.WhenAny(timer, cancel) == cancel)
        {
            stopTimer.Cancel();
            return true;
        }
        return false;
    }
}
