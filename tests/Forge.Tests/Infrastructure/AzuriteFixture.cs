namespace Forge.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>The shared <see cref="AzuriteServer"/> as an xunit fixture, for classes that take it by injection.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public int BlobPort { get; private set; }

    public async Task InitializeAsync()
    {
        var server = await AzuriteServer.StartedAsync();
        ConnectionString = server.ConnectionString;
        BlobPort = server.BlobPort;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
