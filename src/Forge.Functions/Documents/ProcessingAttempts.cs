using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Documents;

/// <summary>
/// A step whose worker dies (a crash, the OOM killer, a parser blowing the stack) never reports a failure: its
/// message is simply delivered again, to the next worker, which dies too. So each reading step counts itself in
/// <see cref="DocumentVersion.UnfinishedAttempts"/> while it runs; once as many attempts as the retry rule allows
/// have died, the version fails with <see cref="WorkerDied"/> instead of taking down worker after worker.
/// </summary>
public static class ProcessingAttempts
{
    public const string WorkerDied = "Processing stopped: the worker processing this document died while reading it, more than once, so it will not be retried (the file may be malformed or crafted)";

    public static async Task<StepOutcome> GuardAsync(ForgeDbContext db, Guid versionId, int maxAttempts, Func<Task<StepOutcome>> step, CancellationToken ct)
    {
        var versions = db.DocumentVersions.Where(v => v.Id == versionId);
        await versions.ExecuteUpdateAsync(s => s.SetProperty(v => v.UnfinishedAttempts, v => v.UnfinishedAttempts + 1), ct);
        var died = await versions.Select(v => v.UnfinishedAttempts).FirstAsync(ct) - 1;
        if (died >= maxAttempts)
        {
            return StepOutcome.Failed(WorkerDied);
        }
        try
        {
            return await step();
        }
        finally
        {
            // Reached on success and on any exception: only a dead process leaves its attempt counted.
            await versions.ExecuteUpdateAsync(s => s.SetProperty(v => v.UnfinishedAttempts, v => v.UnfinishedAttempts - 1), CancellationToken.None);
        }
    }
}
