using System.ComponentModel.DataAnnotations;

namespace Forge.Shared.Durable;

/// <summary>
/// host.json's <c>extensions.durableTask</c> section, the one Durable Functions reads, so both modes run on the
/// same settings. The self-host reads it as <c>Forge:Extensions:DurableTask</c> (see HostJsonConfigurationSource).
/// </summary>
public sealed class DurableTaskHubOptions
{
    public const string SectionName = "Forge:Extensions:DurableTask";

    /// <summary>Azure Storage rules: 3–45 letters and digits, starting with a letter.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$", ErrorMessage = "extensions.durableTask.hubName must be 3-45 letters and digits, starting with a letter.")]
    public string HubName { get; set; } = "ForgeHub";

    /// <summary>Activities one worker runs at once.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentActivityFunctions { get; set; } = 16;

    /// <summary>Orchestration episodes one worker replays at once.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 16;

    public bool ExtendedSessionsEnabled { get; set; }

    public AzureStorageProviderOptions StorageProvider { get; set; } = new();
}

/// <summary><c>extensions.durableTask.storageProvider</c> for the Azure Storage backend.</summary>
public sealed class AzureStorageProviderOptions
{
    /// <summary>The app setting (or connection string name) that holds the storage connection, as in Functions.</summary>
    [Required]
    public string ConnectionName { get; set; } = "AzureWebJobsStorage";

    /// <summary>Control queues; fixed once a task hub exists.</summary>
    [Range(1, 16)]
    public int PartitionCount { get; set; } = 4;

    /// <summary>The longest idle wait between queue polls; short locally so a start is picked up at once.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an activity message stays invisible while a worker holds it: a dead worker's activity runs again after it.</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The same for orchestration messages.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    [Range(1, 32)]
    public int ControlQueueBatchSize { get; set; } = 32;

    /// <summary>The Azure Tables partition manager instead of blob leases (off: the framework's default, which the crash tests exercise).</summary>
    public bool UseTablePartitionManagement { get; set; }

    /// <summary>How long a partition lease lasts without renewal: a dead worker's partitions move after it.</summary>
    public TimeSpan PartitionLeaseInterval { get; set; } = TimeSpan.FromSeconds(30);
}
