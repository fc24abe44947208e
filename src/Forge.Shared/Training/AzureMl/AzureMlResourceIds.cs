namespace Forge.Shared.Training.AzureMl;

/// <summary>The ARM ids and URLs of a workspace's jobs, computes and environments, as the REST API wants them.</summary>
internal static class AzureMlResourceIds
{
    public static string Workspace(AzureMlTrainingOptions options) =>
        $"/subscriptions/{Segment(options.SubscriptionId)}/resourceGroups/{Segment(options.ResourceGroup)}" +
        $"/providers/Microsoft.MachineLearningServices/workspaces/{Segment(options.Workspace)}";

    public static Uri Job(AzureMlTrainingOptions options, string jobName, string? action = null) =>
        new($"{options.ArmEndpoint.TrimEnd('/')}{Workspace(options)}/jobs/{Segment(jobName)}{(action is null ? "" : "/" + action)}" +
            $"?api-version={Uri.EscapeDataString(options.ApiVersion)}");

    /// <summary>A compute name becomes its id in the workspace; a full id (another workspace's cluster) is kept.</summary>
    public static string Compute(AzureMlTrainingOptions options, string compute) =>
        compute.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) ? compute : $"{Workspace(options)}/computes/{Segment(compute)}";

    /// <summary>
    /// <c>azureml:NAME:VERSION</c> becomes the workspace environment's ARM id, the form the REST API takes (the CLI
    /// does the same); registry assets (<c>azureml://registries/...</c>) and ARM ids pass as they are; anything else,
    /// labels such as <c>azureml:NAME@latest</c> included, is null.
    /// </summary>
    public static string? Environment(AzureMlTrainingOptions options, string environment)
    {
        var value = environment.Trim();
        if (value.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) || value.StartsWith("azureml://", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }
        if (!value.StartsWith("azureml:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var parts = value["azureml:".Length..].Split(':');
        return parts is [{ Length: > 0 } name, { Length: > 0 } version] && !name.Contains('@') && !name.Contains('/')
            ? $"{Workspace(options)}/environments/{Segment(name)}/versions/{Segment(version)}"
            : null;
    }

    private static string Segment(string? value) => Uri.EscapeDataString(value?.Trim() ?? "");
}
