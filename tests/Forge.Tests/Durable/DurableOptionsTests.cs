using Microsoft.Extensions.Options;

namespace Forge.Tests.Durable;

/// <summary>Settings the backend would refuse later, in a worse way, are refused at start with what to change.</summary>
public sealed class DurableOptionsTests
{
    [Fact]
    public async Task APartitionLeaseShorterThanABlobLeaseCanLastIsRefusedAtStart()
    {
        var start = () => DurableHost.StartAsync(DurableHost.NewHubName(), "all", TestOrchestrations.Register,
            settings: new Dictionary<string, string?> { ["Forge:Extensions:DurableTask:StorageProvider:PartitionLeaseInterval"] = "00:00:05" });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message
            .Should().Contain("partitionLeaseInterval must be between 00:00:15 and 00:01:00");
    }

    [Fact]
    public async Task AMissingStorageConnectionIsRefusedAtStartSayingWhereToSetIt()
    {
        var start = () => DurableHost.StartAsync(DurableHost.NewHubName(), "all", TestOrchestrations.Register,
            settings: new Dictionary<string, string?> { ["Forge:Extensions:DurableTask:StorageProvider:ConnectionName"] = "NoSuchStorage" });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message
            .Should().Contain("'NoSuchStorage' is not set").And.Contain("scripts/run.sh");
    }

    [Fact]
    public async Task AHubNameAzureStorageWouldRefuseIsRefusedAtStart()
    {
        var start = () => DurableHost.StartAsync("1-not-a-hub", "all", TestOrchestrations.Register);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("hubName must be 3-45 letters and digits");
    }
}
