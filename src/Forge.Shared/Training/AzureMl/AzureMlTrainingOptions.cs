using Microsoft.Extensions.Options;

namespace Forge.Shared.Training.AzureMl;

/// <summary>
/// The <c>azureml</c> training provider, bound from <c>Forge:Training:AzureML</c>: Azure Machine Learning command
/// jobs created and polled through Azure Resource Manager. With TenantId, ClientId and ClientSecret the provider signs
/// in as that service principal; otherwise through <c>DefaultAzureCredential</c> (managed identity, workload identity,
/// environment variables, the Azure CLI...), using ClientId, when given, as the user-assigned managed identity.
/// </summary>
public sealed class AzureMlTrainingOptions
{
    public const string SectionName = "Forge:Training:AzureML";

    /// <summary>The newest stable Azure ML REST version at the time of writing; the job fields used are unchanged since 2024-04-01.</summary>
    public const string DefaultApiVersion = "2026-09-01";

    public string? SubscriptionId { get; set; }

    public string? ResourceGroup { get; set; }

    public string? Workspace { get; set; }

    /// <summary>The compute cluster's name in the workspace, or its full ARM id.</summary>
    public string? Compute { get; set; }

    /// <summary>
    /// The environment: <c>azureml:NAME:VERSION</c> (in the workspace), <c>azureml://registries/...</c> (a registry
    /// asset) or a full ARM id. A label such as <c>@latest</c> is not accepted: the REST API needs a version.
    /// </summary>
    public string? Environment { get; set; }

    /// <summary>
    /// The command the job runs, e.g. <c>python train.py --data ${{inputs.training_data}} --out ${{outputs.model}}</c>.
    /// It also finds <c>FORGE_BASE_MODEL</c>, <c>FORGE_METHOD</c>, <c>FORGE_HYPERPARAMETERS</c> (JSON) and
    /// <c>FORGE_JOB_NAME</c> in its environment.
    /// </summary>
    public string? Command { get; set; }

    public string ExperimentName { get; set; } = "forge";

    /// <summary>Azure Resource Manager; another cloud's (e.g. <c>https://management.chinacloudapi.cn</c>) also sets the token scope.</summary>
    public string ArmEndpoint { get; set; } = "https://management.azure.com";

    public string ApiVersion { get; set; } = DefaultApiVersion;

    public string? TenantId { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The Entra ID sign-in host for a service principal; Azure's public cloud when empty.</summary>
    public string? AuthorityHost { get; set; }

    /// <summary>For authorities Entra ID does not know (Azure Stack, private clouds): skips the instance discovery call.</summary>
    public bool DisableInstanceDiscovery { get; set; }

    /// <summary>One ARM request's limit; a slower answer is retried by the engine.</summary>
    public int RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>Whether anything of the workspace is set: without it the provider is simply not in use.</summary>
    public bool IsConfigured => new[] { SubscriptionId, ResourceGroup, Workspace, Compute, Environment, Command }.Any(v => !string.IsNullOrWhiteSpace(v));

    public bool UsesClientSecret => !string.IsNullOrWhiteSpace(ClientSecret);
}

/// <summary>
/// Checks the Azure ML settings once any of them is set, so a half-configured workspace fails at start rather than at
/// the first training; with none set the provider is not in use and nothing is checked.
/// </summary>
public sealed class AzureMlTrainingOptionsValidator : IValidateOptions<AzureMlTrainingOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureMlTrainingOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }
        var failures = Failures(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static IEnumerable<string> Failures(AzureMlTrainingOptions options)
    {
        const string key = AzureMlTrainingOptions.SectionName;
        foreach (var (setting, value) in new[]
        {
            ("SubscriptionId", options.SubscriptionId), ("ResourceGroup", options.ResourceGroup), ("Workspace", options.Workspace),
            ("Compute", options.Compute), ("Environment", options.Environment), ("Command", options.Command),
            ("ExperimentName", options.ExperimentName), ("ApiVersion", options.ApiVersion),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{key}:{setting} is required for Azure ML training.";
            }
        }
        if (!string.IsNullOrWhiteSpace(options.Environment) && AzureMlResourceIds.Environment(options, options.Environment) is null)
        {
            yield return $"{key}:Environment must be azureml:NAME:VERSION, azureml://registries/... or an ARM id (was '{options.Environment}').";
        }
        if (!IsHttps(options.ArmEndpoint))
        {
            yield return $"{key}:ArmEndpoint must be an absolute https URL: bearer tokens are never sent over plain http (was '{options.ArmEndpoint}').";
        }
        if (!string.IsNullOrWhiteSpace(options.AuthorityHost) && !IsHttps(options.AuthorityHost))
        {
            yield return $"{key}:AuthorityHost must be an absolute https URL (was '{options.AuthorityHost}').";
        }
        if (options.UsesClientSecret && (string.IsNullOrWhiteSpace(options.TenantId) || string.IsNullOrWhiteSpace(options.ClientId)))
        {
            yield return $"{key}:ClientSecret needs {key}:TenantId and {key}:ClientId as well.";
        }
        if (options.RequestTimeoutSeconds is < 1 or > 3600)
        {
            yield return $"{key}:RequestTimeoutSeconds must be between 1 and 3600 (was {options.RequestTimeoutSeconds}).";
        }
    }

    private static bool IsHttps(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
