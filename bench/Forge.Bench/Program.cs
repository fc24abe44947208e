using Forge.Bench;

// dotnet run -c Release --project bench/Forge.Bench -- engine [--items N] [--providers sqlite,postgres]
// dotnet run -c Release --project bench/Forge.Bench -- ingestion [--mb 50] [--pages 300]
var command = args.FirstOrDefault() ?? "engine";
var items = ArgValue(args, "--items", 4000);
var providers = (args.SkipWhile(a => a != "--providers").Skip(1).FirstOrDefault() ?? "sqlite,postgres").Split(',');
switch (command)
{
    case "engine":
        return await EngineBenchmark.RunAsync(items, providers);
    case "ingestion":
        return await IngestionBenchmark.RunAsync(ArgValue(args, "--mb", 50), ArgValue(args, "--pages", 300));
    default:
        Console.Error.WriteLine($"Unknown benchmark '{command}'. Known: engine, ingestion");
        return 2;
}

static int ArgValue(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
