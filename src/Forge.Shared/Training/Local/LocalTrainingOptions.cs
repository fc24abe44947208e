using System.ComponentModel.DataAnnotations;

namespace Forge.Shared.Training.Local;

/// <summary>
/// The <c>local</c> training provider, bound from <c>Forge:Training:Local</c>. It runs <see cref="Command"/> on this
/// machine, detached from Forge so that a Forge restart does not stop the training, and reads its progress from the
/// JSON lines the command prints.
/// </summary>
public sealed class LocalTrainingOptions
{
    public const string SectionName = "Forge:Training:Local";

    /// <summary>
    /// The shell command that trains, e.g. <c>python3 /opt/train.py --data {data} --out {output}</c> or
    /// <c>docker run --gpus all -v {data}:/data/train.jsonl:ro img ...</c>. Required to use the provider.
    /// <c>{data}</c>, <c>{output}</c>, <c>{base_model}</c> and <c>{hyperparameters_file}</c> are replaced by shell-quoted
    /// values; the same values are in <c>FORGE_TRAINING_FILE</c>, <c>FORGE_OUTPUT_DIR</c>, <c>FORGE_BASE_MODEL</c>,
    /// <c>FORGE_METHOD</c>, <c>FORGE_HYPERPARAMETERS</c> (JSON) and <c>FORGE_JOB_NAME</c>. It runs under <c>/bin/sh</c>
    /// with the job's folder as working directory, so paths to scripts should be absolute.
    /// </summary>
    public string? Command { get; set; }

    /// <summary>One folder per job is made here; by default <c>{Forge:DataPath}/training</c>.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>How long a cancelled job gets between SIGTERM and SIGKILL, to save a checkpoint or clean up.</summary>
    [Range(0, 3600)]
    public int CancelGraceSeconds { get; set; } = 10;
}
