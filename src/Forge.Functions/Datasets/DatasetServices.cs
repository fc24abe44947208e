using Forge.Functions.Exports;
using Forge.Shared.Ai;
using Forge.Shared.Durable;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace Forge.Functions.Datasets;

public static class DatasetServices
{
    /// <summary>Datasets, generation, review and export: options, the model clients, the orchestrations and their reconcilers.</summary>
    public static IServiceCollection AddDatasets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GenerationOptions>().BindConfiguration(GenerationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ExportOptions>().BindConfiguration(ExportOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddForgeAi(configuration);
        services.AddSingleton<GenerationThrottle>();
        services.AddDurableTasks(r =>
        {
            r.AddActivity(new TaskName(SyntheticGeneration.Plan), typeof(PlanGenerationActivity));
            r.AddActivity(new TaskName(SyntheticGeneration.Batch), typeof(GenerateBatchActivity));
            r.AddActivity(new TaskName(SyntheticGeneration.Finish), typeof(FinishGenerationActivity));
            r.AddActivity(new TaskName(SyntheticGeneration.End), typeof(EndGenerationActivity));
            r.AddActivity(new TaskName(DatasetExporting.Write), typeof(WriteExportActivity));
            r.AddActivity(new TaskName(DatasetExporting.MarkFailed), typeof(MarkExportFailedActivity));
        });
        // The SDK creates orchestrators registered by type without DI; these take the configured retry rule.
        services.AddOptions<DurableTaskRegistry>(Options.DefaultName).Configure<ActivityRetry>((r, retry) =>
        {
            r.AddOrchestrator(new TaskName(SyntheticGeneration.Orchestrator), () => new SyntheticGenerationOrchestrator(retry));
            r.AddOrchestrator(new TaskName(DatasetExporting.Orchestrator), () => new DatasetExportOrchestrator(retry));
        });
        services.AddDurableReconciler<GenerationReconciler>();
        services.AddDurableReconciler<ExportReconciler>();
        return services;
    }
}
