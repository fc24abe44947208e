using Forge.Shared.Durable;
using Microsoft.DurableTask;

namespace Forge.Functions.Datasets;

/// <summary>
/// A failed activity as a lifecycle records it on its row, in the words the API has always used:
/// <c>{activity}: {message}</c>, and <c>(after N attempts)</c> when retries ran out rather than the failure being permanent.
/// </summary>
public static class ActivityFailureText
{
    public static string Of(TaskFailedException failure, ActivityRetry retry)
    {
        var message = $"{failure.TaskName}: {failure.FailureDetails.ErrorMessage}";
        return failure.FailureDetails.IsCausedBy<PermanentActivityException>() ? message : $"{message} (after {retry.MaxAttempts} attempts)";
    }
}
