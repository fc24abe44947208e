using Forge.Functions.Exports;
using Forge.Shared.Ai;
using Forge.Shared.Engine;

namespace Forge.Functions.Datasets;

public static class DatasetServices
{
    /// <summary>Datasets, generation, review and export: options, the model clients and the orchestrations' activities.</summary>
    public static IServiceCollection AddDatasets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GenerationOptions>().BindConfiguration(GenerationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ExportOptions>().BindConfiguration(ExportOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddForgeAi(configuration);
        services.AddSingleton<GenerationThrottle>();
        services.AddActivity<PlanGenerationActivity>(SyntheticGeneration.Plan);
        services.AddActivity<GenerateBatchActivity>(SyntheticGeneration.Batch);
        services.AddActivity<FinishGenerationActivity>(SyntheticGeneration.Finish);
        services.AddRunObserver<SyntheticGenerationObserver>();
        services.AddActivity<WriteExportActivity>(DatasetExporting.Write);
        services.AddRunObserver<DatasetExportObserver>();
        return services;
    }
}
