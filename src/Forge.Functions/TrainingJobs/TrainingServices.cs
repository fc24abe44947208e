using Forge.Shared.Durable;
using Forge.Shared.Training;
using Forge.Shared.Data;
using Forge.Shared.Training.AzureMl;
using Forge.Shared.Training.Local;
using Forge.Shared.Training.OpenAi;
using Forge.Shared.Training.Together;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Forge.Functions.TrainingJobs;

public static class TrainingServices
{
    /// <summary>Training jobs: options, the providers, the TrainingLifecycle orchestration and its reconciler.</summary>
    public static IServiceCollection AddTraining(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TrainingOptions>().BindConfiguration(TrainingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddTrainingProviders(configuration);
        services.AddDurableTasks(r =>
        {
            r.AddActivity(new TaskName(TrainingLifecycle.Validate), typeof(ValidateTrainingDataActivity));
            r.AddActivity(new TaskName(TrainingLifecycle.Submit), typeof(SubmitTrainingActivity));
            r.AddActivity(new TaskName(TrainingLifecycle.Poll), typeof(PollTrainingActivity));
            r.AddActivity(new TaskName(TrainingLifecycle.Cancel), typeof(CancelTrainingActivity));
            r.AddActivity(new TaskName(TrainingLifecycle.Fail), typeof(FailTrainingActivity));
        });
        services.AddDurableOrchestrator<TrainingOrchestrator>(TrainingLifecycle.Orchestrator);
        services.AddDurableReconciler<TrainingReconciler>();
        return services;
    }

    /// <summary>Every provider is registered; one without its configuration is refused by name when a job asks for it.</summary>
    private static IServiceCollection AddTrainingProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<TrainingProviders>();
        services.AddOptions<TogetherTrainingOptions>().BindConfiguration(TogetherTrainingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(TogetherTrainingProvider.HttpClientName);
        services.AddTrainingProvider(TogetherTrainingProvider.ProviderName,
            sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<TogetherTrainingOptions>>().Value.ApiKey)
                ? $"Training provider 'together' is not configured: set {TogetherTrainingOptions.SectionName}:ApiKey" : null,
            sp => ActivatorUtilities.CreateInstance<TogetherTrainingProvider>(sp));
        services.AddOptions<OpenAiTrainingOptions>().BindConfiguration(OpenAiTrainingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddTrainingProvider(OpenAiTrainingProvider.ProviderName,
            sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<OpenAiTrainingOptions>>().Value.ApiKey)
                ? $"Training provider 'openai' is not configured: set {OpenAiTrainingOptions.SectionName}:ApiKey" : null,
            sp => ActivatorUtilities.CreateInstance<OpenAiTrainingProvider>(sp));

        services.AddOptions<AzureMlTrainingOptions>().BindConfiguration(AzureMlTrainingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AzureMlTrainingOptions>, AzureMlTrainingOptionsValidator>();
        services.AddTrainingProvider(AzureMlTrainingProvider.ProviderName,
            sp => sp.GetRequiredService<IOptions<AzureMlTrainingOptions>>().Value.IsConfigured ? null
                : $"Training provider 'azureml' is not configured: set {AzureMlTrainingOptions.SectionName}:SubscriptionId, ResourceGroup, Workspace, Compute, Environment and Command",
            sp => new AzureMlTrainingProvider(sp.GetRequiredService<IOptions<AzureMlTrainingOptions>>().Value, sp.GetRequiredService<TimeProvider>()));

        services.AddOptions<LocalTrainingOptions>().BindConfiguration(LocalTrainingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<LocalTrainingOptions>, LocalTrainingOptionsValidator>();
        services.AddTrainingProvider(LocalTrainingProvider.ProviderName,
            sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<LocalTrainingOptions>>().Value.Command)
                ? $"Training provider 'local' is not configured: set {LocalTrainingOptions.SectionName}:Command (a training script or container command)" : null,
            sp => new LocalTrainingProvider(sp.GetRequiredService<IOptions<LocalTrainingOptions>>().Value,
                sp.GetRequiredService<IOptions<DataOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
