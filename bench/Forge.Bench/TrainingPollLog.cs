using Forge.Shared.Training;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Bench;

/// <summary>When the local provider was asked each job's status: one read per poll activity.</summary>
internal sealed class TrainingPollLog
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string ExternalJobId, DateTime At)> _reads = new();

    public List<(string ExternalJobId, DateTime At)> Of(HashSet<string> externalJobIds) => _reads.Where(r => externalJobIds.Contains(r.ExternalJobId)).ToList();

    /// <summary>Replaces the provider's registration with one whose provider logs its status reads.</summary>
    public void Wrap(IServiceCollection services, string provider)
    {
        var descriptor = services.Single(d => d.ImplementationInstance is TrainingProviderRegistration r && r.Name == provider);
        var registration = (TrainingProviderRegistration)descriptor.ImplementationInstance!;
        services.Remove(descriptor);
        services.AddSingleton(registration with { Create = sp => new Logged(registration.Create(sp), this) });
    }

    private sealed class Logged(ITrainingProvider inner, TrainingPollLog log) : ITrainingProvider
    {
        public string Name => inner.Name;

        public Task<TrainingSubmitted> SubmitAsync(TrainingSubmission submission, CancellationToken cancellationToken) => inner.SubmitAsync(submission, cancellationToken);

        public Task<TrainingSnapshot> GetStatusAsync(TrainingHandle handle, CancellationToken cancellationToken)
        {
            log._reads.Enqueue((handle.ExternalJobId, DateTime.UtcNow));
            return inner.GetStatusAsync(handle, cancellationToken);
        }

        public Task CancelAsync(TrainingHandle handle, CancellationToken cancellationToken) => inner.CancelAsync(handle, cancellationToken);

        public string? Check(TrainingSubmission submission) => inner.Check(submission);
    }
}
