namespace Forge.Shared.Training.AzureMl;

/// <summary>
/// Azure ML's job statuses in Forge's terms. <c>Note</c> is set for the statuses that say something is off without
/// ending the job; the provider reports it as a message event beside the status event.
/// </summary>
internal sealed record AzureMlJobStatus(string State, string? Note = null)
{
    /// <summary>Every status the REST API documents (JobStatus), and what an unknown one becomes.</summary>
    public static AzureMlJobStatus Map(string status) => status switch
    {
        "NotStarted" or "Starting" or "Provisioning" or "Preparing" or "Queued" => new(TrainingState.Queued),
        "Running" or "Finalizing" => new(TrainingState.Running),
        // Still stopping, and it may yet finish first: running until Azure ML says Canceled (or Completed).
        "CancelRequested" => new(TrainingState.Running),
        "Completed" => new(TrainingState.Succeeded),
        "Failed" => new(TrainingState.Failed),
        "Canceled" => new(TrainingState.Cancelled),
        // Documented as the one status a job leaves for any earlier one: no heartbeat for a while is not an end,
        // and calling it failed would stop the polling while the job may still finish (and bill).
        "NotResponding" => new(TrainingState.Running,
            "Azure ML has had no heartbeat from the job for a while (NotResponding); it may recover. Cancel it if it does not."),
        "Paused" => new(TrainingState.Running, "The job is paused in Azure ML; it goes on when it is resumed there."),
        "Unknown" => new(TrainingState.Running, "Azure ML reports the job's status as Unknown."),
        _ => new(TrainingState.Running, $"Azure ML reports a status Forge does not know: '{status}'."),
    };

    /// <summary>Statuses after which Azure ML does nothing more with the job.</summary>
    public static bool IsFinal(string status) => status is "Completed" or "Failed" or "Canceled";
}
