using Forge.Tests.Infrastructure;

namespace Forge.Tests.Training;

/// <summary>
/// The <c>local</c> training provider pointed at a shell script that trains like a real command would: it prints ten
/// JSON metric lines (one every <c>step_seconds</c> from the hyperparameters) and a completion line, or fails with a
/// CUDA-style error on stderr when the hyperparameters say <c>"fail": true</c>.
/// </summary>
public static class LocalTrainingScript
{
    private const string Script = """
        #!/bin/sh
        delay=$(printf '%s' "$FORGE_HYPERPARAMETERS" | sed -n 's/.*"step_seconds":\([0-9.]*\).*/\1/p')
        [ -z "$delay" ] && delay=0.05
        echo "loading $FORGE_BASE_MODEL with $(wc -l < "$FORGE_TRAINING_FILE") examples"
        case "$FORGE_HYPERPARAMETERS" in *'"fail":true'*) echo "CUDA out of memory: tried to allocate 2.00 GiB" >&2; exit 3;; esac
        i=1
        while [ $i -le 10 ]; do
          progress="0.$i"; [ $i -eq 10 ] && progress="1.0"
          echo "{\"event\":\"metrics\",\"step\":$i,\"epoch\":1,\"loss\":0.$((100 - i * 5)),\"progress\":$progress}"
          sleep "$delay"
          i=$((i + 1))
        done
        echo "{\"event\":\"completed\",\"model\":\"$FORGE_OUTPUT_DIR\"}"
        """;

    public static void Configure(ForgeApiFactory factory, string? workDirectory = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "forge-train-scripts", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var script = Path.Combine(folder, "train.sh");
        File.WriteAllText(script, Script.Replace("\r\n", "\n") + "\n");
        factory.WithSetting("Forge:Training:Local:Command", $"sh {script}");
        factory.WithSetting("Forge:Training:Local:CancelGraceSeconds", "1");
        factory.WithSetting("Forge:Training:PollIntervalMs", "200");
        if (workDirectory is not null)
        {
            factory.WithSetting("Forge:Training:Local:WorkDirectory", workDirectory);
        }
    }
}

public sealed class SqliteLocalTrainingFactory : ForgeApiFactory
{
    public SqliteLocalTrainingFactory() => LocalTrainingScript.Configure(this);
}

public sealed class PostgresLocalTrainingFactory : PostgresForgeApiFactory
{
    public PostgresLocalTrainingFactory() => LocalTrainingScript.Configure(this);
}
