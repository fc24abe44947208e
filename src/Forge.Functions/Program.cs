using Forge.Functions.Health;
using Forge.Functions.Hosting;
using Forge.Functions.Storage;
using Forge.Shared.Data;
using Forge.Shared.Engine;
using Forge.Shared.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddForgeData(builder.Configuration);
builder.Services.AddForgeStorage(builder.Configuration);
builder.Services.AddForgeEngine(builder.Configuration);
builder.AddForgeHosting();

var app = builder.Build();
await app.Services.MigrateForgeDatabaseAsync();
app.UseForgeHosting();
app.MapHealthApi();
app.MapStorageApi();
app.Run();

public partial class Program;
