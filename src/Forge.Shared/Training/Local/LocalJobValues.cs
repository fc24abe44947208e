using Forge.Shared.Durable;
using System.Text.RegularExpressions;

namespace Forge.Shared.Training.Local;

/// <summary>
/// Every value a local job hands its command, checked before any of it is written or run: as placeholder arguments
/// (each exactly one argument) and as <c>FORGE_*</c> environment variables. A model registered before
/// <c>base_model</c> was checked at the API still cannot reach the command with anything but the safe characters.
/// </summary>
internal sealed partial class LocalJobValues
{
    /// <summary>Environment variables are limited in size by the kernel (128 KB each on Linux).</summary>
    private const int MaxHyperparametersLength = 32 * 1024;

    private const string SafeNameRule = "Must be 1-64 of the characters A-Z a-z 0-9 . _ -";

    private LocalJobValues(Dictionary<string, string> placeholders, Dictionary<string, string> environment)
    {
        Placeholders = placeholders;
        Environment = environment;
    }

    /// <summary>Placeholder (<c>{data}</c>...) to value.</summary>
    public IReadOnlyDictionary<string, string> Placeholders { get; }

    /// <summary>The <c>FORGE_*</c> variables the command gets beside the allowlisted environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <exception cref="PermanentActivityException">A value outside its safe form; the job fails naming it.</exception>
    public static LocalJobValues For(TrainingSubmission submission, LocalJobFolder folder)
    {
        if (!BaseModelName.IsValid(submission.BaseModel))
        {
            throw Refused("base_model", submission.BaseModel, BaseModelName.Rule);
        }
        if (!SafeName().IsMatch(submission.Method))
        {
            throw Refused("method", submission.Method, SafeNameRule);
        }
        foreach (var (key, _) in submission.Hyperparameters)
        {
            if (!SafeName().IsMatch(key))
            {
                throw Refused("hyperparameter name", key, SafeNameRule);
            }
        }
        // Serialized JSON escapes control characters, so the value is one line of text whatever the strings hold.
        var hyperparameters = submission.Hyperparameters.ToJsonString();
        if (hyperparameters.Length > MaxHyperparametersLength)
        {
            throw new PermanentActivityException($"The hyperparameters are {hyperparameters.Length} characters of JSON; the local provider takes at most {MaxHyperparametersLength}.");
        }
        foreach (var path in new[] { folder.TrainingFile, folder.OutputDirectory, folder.HyperparametersFile })
        {
            if (!Path.IsPathFullyQualified(path) || path.Any(char.IsControl))
            {
                throw Refused("path", path, "Must be absolute and free of control characters");
            }
        }
        var jobName = Path.GetFileName(folder.Path);
        return new LocalJobValues(
            new Dictionary<string, string>
            {
                ["{data}"] = folder.TrainingFile,
                ["{output}"] = folder.OutputDirectory,
                ["{base_model}"] = submission.BaseModel,
                ["{hyperparameters_file}"] = folder.HyperparametersFile,
                ["{job_name}"] = jobName,
            },
            new Dictionary<string, string>
            {
                ["FORGE_TRAINING_FILE"] = folder.TrainingFile,
                ["FORGE_OUTPUT_DIR"] = folder.OutputDirectory,
                ["FORGE_BASE_MODEL"] = submission.BaseModel,
                ["FORGE_METHOD"] = submission.Method,
                ["FORGE_HYPERPARAMETERS"] = hyperparameters,
                ["FORGE_HYPERPARAMETERS_FILE"] = folder.HyperparametersFile,
                ["FORGE_JOB_NAME"] = jobName,
                ["FORGE_JOB_ID"] = submission.JobId.ToString(),
            });
    }

    private static PermanentActivityException Refused(string what, string value, string rule) =>
        new($"The local training provider refuses the {what} '{Printable(value)}': {rule}.");

    // The refused value goes into the job's error message: cut and without control characters.
    private static string Printable(string value) =>
        new([.. (value.Length > 100 ? value[..100] + "..." : value).Select(c => char.IsControl(c) ? '?' : c)]);

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z", RegexOptions.NonBacktracking)]
    private static partial Regex SafeName();
}
