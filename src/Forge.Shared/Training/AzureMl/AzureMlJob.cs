using System.Text.Json.Nodes;

namespace Forge.Shared.Training.AzureMl;

/// <summary>A command job as Forge submits it (the PUT body) and reads it back (the GET answer).</summary>
internal static class AzureMlJob
{
    public const string OutputName = "model";

    public const string ForgeJobIdTag = "forge_job_id";

    /// <summary>
    /// The job's definition. The training file is a <c>uri_file</c> input Azure ML downloads from its signed URL when
    /// the job starts; the trained model is whatever the command writes to the <c>model</c> output folder.
    /// </summary>
    public static JsonObject Body(AzureMlTrainingOptions options, TrainingSubmission submission) => new()
    {
        ["properties"] = new JsonObject
        {
            ["jobType"] = "Command",
            ["displayName"] = submission.JobName,
            ["experimentName"] = options.ExperimentName,
            ["description"] = $"Forge training job {submission.JobId}: {submission.Method} on {submission.BaseModel}.",
            ["tags"] = new JsonObject
            {
                [ForgeJobIdTag] = submission.JobId.ToString(),
                ["forge_job_name"] = submission.JobName,
                ["forge_base_model"] = submission.BaseModel,
                ["forge_method"] = submission.Method,
                ["forge_data_sha256"] = submission.Data.Sha256,
            },
            ["command"] = options.Command,
            ["environmentId"] = AzureMlResourceIds.Environment(options, options.Environment!),
            ["computeId"] = AzureMlResourceIds.Compute(options, options.Compute!.Trim()),
            ["inputs"] = new JsonObject
            {
                ["training_data"] = new JsonObject
                {
                    ["jobInputType"] = "uri_file",
                    ["uri"] = submission.Data.DownloadUrl.AbsoluteUri,
                    ["mode"] = "Download",
                },
            },
            ["outputs"] = new JsonObject
            {
                [OutputName] = new JsonObject { ["jobOutputType"] = "uri_folder", ["mode"] = "ReadWriteMount" },
            },
            ["environmentVariables"] = new JsonObject
            {
                ["FORGE_JOB_NAME"] = submission.JobName,
                ["FORGE_BASE_MODEL"] = submission.BaseModel,
                ["FORGE_METHOD"] = submission.Method,
                ["FORGE_HYPERPARAMETERS"] = submission.Hyperparameters.ToJsonString(),
            },
        },
    };

    public static string? Status(JsonObject? job) => ArmClient.Text(job?["properties"]?["status"]);

    public static string? Tag(JsonObject? job, string name) => ArmClient.Text(job?["properties"]?["tags"]?[name]);

    /// <summary>Where the model output went: its URI when the job has one, else the path Azure ML resolves for a job's named output.</summary>
    public static string OutputUri(JsonObject? job, string jobName) =>
        ArmClient.Text(job?["properties"]?["outputs"]?[OutputName]?["uri"]) is { Length: > 0 } uri ? uri : $"azureml://jobs/{jobName}/outputs/{OutputName}";

    /// <summary>The job's page in Azure ML studio, where its logs are.</summary>
    public static string? StudioUrl(JsonObject? job) => ArmClient.Text(job?["properties"]?["services"]?["Studio"]?["endpoint"]);
}
