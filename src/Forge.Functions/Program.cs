using Forge.Functions.Datasets;
using Forge.Functions.Documents;
using Forge.Functions.Domains;
using Forge.Functions.Exports;
using Forge.Functions.Health;
using Forge.Functions.Ingestion;
using Forge.Functions.Models;
using Forge.Functions.Review;
using Forge.Functions.Hosting;
using Forge.Functions.Segments;
using Forge.Functions.Storage;
using Forge.Functions.Templates;
using Forge.Functions.TrainingJobs;
using Forge.Functions.TrainingPairs;
using Forge.Shared;
using Forge.Shared.Data;
using Forge.Shared.Durable;
using Forge.Shared.Storage;

// Verbs (token, apikey) run without the web host so their stdout holds only what they print.
if (ForgeCli.IsCommand(args))
{
    return await ForgeCli.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(ForgeCli.ToHostArgs(args));
// First: it adds host.json and local.settings.json, which the registrations below read.
builder.AddForgeHosting();
builder.Services.AddForgeData(builder.Configuration);
builder.Services.AddForgeStorage(builder.Configuration);
builder.Services.AddForgeDurable(builder.Configuration);
builder.Services.AddDocuments(ForgeRole.FromConfiguration(builder.Configuration));
builder.Services.AddDatasets(builder.Configuration);
builder.Services.AddTraining(builder.Configuration);
builder.Services.AddTrainingPairs(builder.Configuration);

var app = builder.Build();
await app.Services.MigrateForgeDatabaseAsync();
app.UseForgeHosting();
app.MapHealthApi();
app.MapStorageApi();
app.MapDomainsApi();
app.MapTemplatesApi();
app.MapDocumentsApi();
app.MapSegmentsApi();
app.MapDatasetsApi();
app.MapReviewApi();
app.MapExportsApi();
app.MapModelsApi();
app.MapTrainingJobsApi();
app.MapTrainingPairsApi();
app.MapEventGridApi();
await app.RunAsync();
return 0;

public partial class Program;
