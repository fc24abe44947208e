using Forge.Shared.Ai;
using Forge.Shared.Durable;
using Microsoft.DurableTask;

namespace Forge.Functions.TrainingPairs;

public static class TrainingPairServices
{
    public static IServiceCollection AddTrainingPairs(this IServiceCollection services, IConfiguration configuration)
    {
        // Datasets binds Forge:Ai already; binding it twice would register its validators twice.
        if (!services.Any(d => d.ServiceType == typeof(ItemGenerators)))
        {
            services.AddForgeAi(configuration);
        }
        services.AddOptions<TrainingPairOptions>().BindConfiguration(TrainingPairOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StructuredChatClients>();
        services.AddDurableTasks(r =>
        {
            r.AddActivity(new TaskName(TrainingPairGeneration.Start), typeof(StartPairGenerationActivity));
            r.AddActivity(new TaskName(TrainingPairGeneration.GenerateActivity), typeof(GeneratePairActivity));
            r.AddActivity(new TaskName(TrainingPairGeneration.Finish), typeof(FinishPairGenerationActivity));
        });
        services.AddDurableOrchestrator<PairGenerationOrchestrator>(TrainingPairGeneration.Orchestrator);
        services.AddDurableReconciler<PairGenerationReconciler>();
        return services;
    }
}
