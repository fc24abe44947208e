using Forge.Shared.Ai;
using Forge.Shared.Engine;

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
        services.AddActivity<PlanPairGenerationActivity>(TrainingPairGeneration.Plan);
        services.AddActivity<GeneratePairActivity>(TrainingPairGeneration.GenerateActivity);
        services.AddActivity<FinishPairGenerationActivity>(TrainingPairGeneration.Finish);
        return services;
    }
}
