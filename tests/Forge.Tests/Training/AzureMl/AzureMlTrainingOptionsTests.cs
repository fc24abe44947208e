using Forge.Shared.Training.AzureMl;

namespace Forge.Tests.Training.AzureMl;

public sealed class AzureMlTrainingOptionsTests
{
    private static AzureMlTrainingOptions Complete() => new()
    {
        SubscriptionId = "sub", ResourceGroup = "rg", Workspace = "ws", Compute = "gpu",
        Environment = "azureml:acpt-llm:1", Command = "python train.py",
    };

    [Fact]
    public void NothingConfiguredIsValidBecauseTheProviderIsNotInUse()
    {
        new AzureMlTrainingOptionsValidator().Validate(null, new AzureMlTrainingOptions()).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void CompleteSettingsWithDefaultCredentialsAreValid()
    {
        new AzureMlTrainingOptionsValidator().Validate(null, Complete()).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData(nameof(AzureMlTrainingOptions.SubscriptionId))]
    [InlineData(nameof(AzureMlTrainingOptions.ResourceGroup))]
    [InlineData(nameof(AzureMlTrainingOptions.Workspace))]
    [InlineData(nameof(AzureMlTrainingOptions.Compute))]
    [InlineData(nameof(AzureMlTrainingOptions.Environment))]
    [InlineData(nameof(AzureMlTrainingOptions.Command))]
    public void EachMissingWorkspaceSettingIsNamed(string setting)
    {
        var options = Complete();
        typeof(AzureMlTrainingOptions).GetProperty(setting)!.SetValue(options, " ");

        var result = new AzureMlTrainingOptionsValidator().Validate(null, options);

        result.Failures.Should().Equal($"Forge:Training:AzureML:{setting} is required for Azure ML training.");
    }

    [Theory]
    [InlineData("azureml:acpt-llm@latest")]
    [InlineData("acpt-llm:1")]
    [InlineData("azureml:acpt-llm")]
    public void EnvironmentWithoutAVersionIsRejected(string environment)
    {
        var options = Complete();
        options.Environment = environment;

        new AzureMlTrainingOptionsValidator().Validate(null, options).Failures.Should().ContainSingle()
            .Which.Should().Contain("Forge:Training:AzureML:Environment must be azureml:NAME:VERSION");
    }

    [Fact]
    public void PlainHttpArmEndpointIsRejectedBecauseTokensOnlyTravelOverHttps()
    {
        var options = Complete();
        options.ArmEndpoint = "http://management.example";

        new AzureMlTrainingOptionsValidator().Validate(null, options).Failures.Should().ContainSingle()
            .Which.Should().Contain("ArmEndpoint must be an absolute https URL");
    }

    [Fact]
    public void ClientSecretWithoutTenantAndClientIsRejected()
    {
        var options = Complete();
        options.ClientSecret = "secret";

        new AzureMlTrainingOptionsValidator().Validate(null, options).Failures.Should().ContainSingle()
            .Which.Should().Be("Forge:Training:AzureML:ClientSecret needs Forge:Training:AzureML:TenantId and Forge:Training:AzureML:ClientId as well.");
    }

    [Fact]
    public void WorkspaceEnvironmentBecomesItsArmId()
    {
        AzureMlResourceIds.Environment(Complete(), "azureml:acpt-llm:7").Should()
            .Be("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/environments/acpt-llm/versions/7");
    }
}
