using Forge.Bench;

// dotnet run -c Release --project bench/Forge.Bench -- durable [--fan-out 1000] [--chains 100] [--chain-length 10] [--samples 50]
// dotnet run -c Release --project bench/Forge.Bench -- documents [--documents 200]
// dotnet run -c Release --project bench/Forge.Bench -- ingestion [--mb 50] [--pages 300]
// dotnet run -c Release --project bench/Forge.Bench -- docx [--mb 20]
// dotnet run -c Release --project bench/Forge.Bench -- export [--items 100000]
// dotnet run -c Release --project bench/Forge.Bench -- pairs-export [--pairs 2000] [--providers sqlite,postgres]
// dotnet run -c Release --project bench/Forge.Bench -- generation [--items 2400] [--batch-size 10] [--latency-ms 100] [--Forge:Generation:MaxConcurrency=16 ...]
// dotnet run -c Release --project bench/Forge.Bench -- training [--jobs 200] [--poll-ms 1000] [--step-seconds 0.5] [--providers sqlite,postgres]
// dotnet run -c Release --project bench/Forge.Bench -- regex [--kb 100] [--repeat 3]
// dotnet run -c Release --project bench/Forge.Bench -- fake-llm [--port 5055] [--latency-ms 0]
var command = args.FirstOrDefault() ?? "durable";
var providers = (ArgText(args, "--providers") ?? "sqlite,postgres").Split(',');
switch (command)
{
    case "durable":
        return await DurableBenchmark.RunAsync(ArgValue(args, "--fan-out", 1000), ArgValue(args, "--chains", 100), ArgValue(args, "--chain-length", 10), ArgValue(args, "--samples", 50));
    case "durable-worker":
        return await DurableBenchmark.ServeWorkerAsync(ArgText(args, "--hub")!);
    case "documents":
        return await DocumentIngestionBenchmark.RunAsync(ArgValue(args, "--documents", 200));
    case "ingestion":
        return await IngestionBenchmark.RunAsync(ArgValue(args, "--mb", 50), ArgValue(args, "--pages", 300));
    case "docx":
        return await DocxBenchmark.RunAsync(ArgValue(args, "--mb", 20));
    case "export":
        return await ExportBenchmark.RunAsync(ArgValue(args, "--items", 100_000));
    case "pairs-export":
        return await PairExportBenchmark.RunAsync(ArgValue(args, "--pairs", 2000), providers);
    case "generation":
        return await GenerationBenchmark.RunAsync(ArgValue(args, "--items", 2400), ArgValue(args, "--batch-size", 10), ArgValue(args, "--latency-ms", 100), ForgeSettings(args));
    case "training":
        return await TrainingBenchmark.RunAsync(ArgValue(args, "--jobs", 200), ArgValue(args, "--poll-ms", 1000),
            double.TryParse(ArgText(args, "--step-seconds"), System.Globalization.CultureInfo.InvariantCulture, out var step) ? step : 0.5,
            (ArgText(args, "--providers") ?? "sqlite").Split(','), ForgeSettings(args));
    case "regex":
        return RegexBenchmark.Run(ArgValue(args, "--kb", 100), ArgValue(args, "--repeat", 3));
    case "fake-llm":
        return await FakeLlm.ServeAsync(ArgValue(args, "--port", 5055), ArgValue(args, "--latency-ms", 0));
    // The export benchmark's child processes: each export's peak memory is measured in a process of its own.
    case "export-seed":
        return await ExportProcesses.SeedAsync(ArgValue(args, "--items", 10_000), ArgText(args, "--data")!);
    case "export-run":
        return await ExportProcesses.RunAsync(ArgText(args, "--data")!, ArgText(args, "--format")!, ArgText(args, "--schema")!);
    default:
        Console.Error.WriteLine($"Unknown benchmark '{command}'. Known: durable, documents, ingestion, export, pairs-export, generation, training, regex, fake-llm");
        return 2;
}

// --Forge:Section:Key=value arguments, as Forge's own host takes them.
static Dictionary<string, string?> ForgeSettings(string[] args) => args
    .Where(a => a.StartsWith("--Forge:", StringComparison.Ordinal) && a.Contains('='))
    .ToDictionary(a => a[2..a.IndexOf('=')], a => (string?)a[(a.IndexOf('=') + 1)..]);

static string? ArgText(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

static int ArgValue(string[] args, string name, int fallback) => int.TryParse(ArgText(args, name), out var v) ? v : fallback;
