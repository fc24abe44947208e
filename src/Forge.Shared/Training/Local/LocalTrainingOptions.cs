using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

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
    /// The program that trains and its arguments, e.g. <c>python3 /opt/train.py --data {data} --out {output}</c> or
    /// <c>docker run --rm --gpus all -e FORGE_BASE_MODEL img ...</c>. Required to use the provider. It is not run by a
    /// shell: words split at blanks, quotes only group a word. <c>{data}</c>, <c>{output}</c>, <c>{base_model}</c>,
    /// <c>{hyperparameters_file}</c> and <c>{job_name}</c> must each be a whole unquoted word and become one argument
    /// each. The same values, and more, are in the environment: <c>FORGE_TRAINING_FILE</c>, <c>FORGE_OUTPUT_DIR</c>,
    /// <c>FORGE_BASE_MODEL</c>, <c>FORGE_METHOD</c>, <c>FORGE_HYPERPARAMETERS</c> (JSON),
    /// <c>FORGE_HYPERPARAMETERS_FILE</c>, <c>FORGE_JOB_NAME</c> and <c>FORGE_JOB_ID</c>. It runs with the job's folder as
    /// working directory, so paths to scripts should be absolute.
    /// </summary>
    public string? Command { get; set; }

    /// <summary>One folder per job is made here; by default <c>{Forge:DataPath}/training</c>.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>How long a cancelled job gets between SIGTERM and SIGKILL, to save a checkpoint or clean up.</summary>
    [Range(0, 3600)]
    public int CancelGraceSeconds { get; set; } = 10;
}

/// <summary>Refuses at start-up a command that could not run as argv with placeholders as whole arguments.</summary>
public sealed class LocalTrainingOptionsValidator : IValidateOptions<LocalTrainingOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalTrainingOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Command) && LocalCommand.Parse(options.Command).Errors.Count > 0)
        {
            failures.Add(Describe(options.Command));
        }
        if (options.WorkDirectory is { } folder && folder.Any(char.IsControl))
        {
            failures.Add($"{LocalTrainingOptions.SectionName}:WorkDirectory must not contain control characters.");
        }
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    internal static string Describe(string command) =>
        $"{LocalTrainingOptions.SectionName}:Command {string.Join(". It also ", LocalCommand.Parse(command).Errors)}.";
}
