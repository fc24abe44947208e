using Forge.Shared.Storage;
using Forge.Shared.Storage.Azure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forge.Tests.Storage;

public sealed class StorageOptionsTests
{
    private static readonly StorageOptionsValidator Validator = new();

    [Fact]
    public void DefaultFileSystemOptionsAreValid()
    {
        Validator.Validate(null, new StorageOptions { Root = "/tmp/blobs" }).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://downloads.example.com")]
    [InlineData("http://127.0.0.1:8001/forge/")]
    public void AnEmptyOrAbsoluteHttpPublicBaseUrlIsAccepted(string publicBaseUrl)
    {
        Validator.Validate(null, new StorageOptions { Root = "/tmp/blobs", PublicBaseUrl = publicBaseUrl }).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("downloads.example.com")]
    [InlineData("ftp://downloads.example.com")]
    [InlineData("https://downloads.example.com/?x=1")]
    public void AnyOtherPublicBaseUrlIsRejectedWithTheSettingName(string publicBaseUrl)
    {
        var result = Validator.Validate(null, new StorageOptions { Root = "/tmp/blobs", PublicBaseUrl = publicBaseUrl });

        result.FailureMessage.Should().Contain("Forge:Storage:PublicBaseUrl");
    }

    [Fact]
    public void UnknownProviderIsRejectedWithTheSettingName()
    {
        var result = Validator.Validate(null, new StorageOptions { Provider = "s3", Root = "/tmp/blobs" });

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Forge:Storage:Provider");
    }

    [Fact]
    public void AzureWithoutConnectionStringIsRejected()
    {
        var result = Validator.Validate(null, new StorageOptions { Provider = "azure" });

        result.FailureMessage.Should().Contain("Forge:Storage:Azure:ConnectionString");
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzureStorageAccount.DevelopmentAccountKey + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzureStorageAccount.DevelopmentAccountKey
        + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=forgeprod;AccountKey=" + AzureStorageAccount.DevelopmentAccountKey + ";EndpointSuffix=core.windows.net")]
    [InlineData("AccountName=forgeprod;AccountKey=" + AzureStorageAccount.DevelopmentAccountKey)]
    public void AzureConnectionStringsInTheStandardFormsAreAccepted(string connectionString)
    {
        Validator.Validate(null, new StorageOptions { Provider = "azure", Azure = { ConnectionString = connectionString } }).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("AccountName=x", "AccountKey is missing")]
    [InlineData("AccountKey=abc=", "AccountName is missing")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=not base64!", "AccountKey is not base64")]
    [InlineData("AccountName=x;AccountKey=" + AzureStorageAccount.DevelopmentAccountKey + ";BlobEndpoint=not-a-url", "BlobEndpoint 'not-a-url'")]
    [InlineData("BlobEndpoint=https://x.blob.core.windows.net;SharedAccessSignature=sv=2025-01-05&sig=abc", "no AccountKey")]
    [InlineData("just-some-text", "'just-some-text' is not a Name=Value setting")]
    public void IncompleteAzureConnectionStringsAreRejected(string connectionString, string missing)
    {
        var result = Validator.Validate(null, new StorageOptions { Provider = "azure", Azure = { ConnectionString = connectionString } });

        result.FailureMessage.Should().Contain("Forge:Storage:Azure:ConnectionString is not usable").And.Contain(missing);
    }

    [Fact]
    public void InvalidContainerNameShortSigningKeyAndOutOfRangeTransferSizesAreRejected()
    {
        var result = Validator.Validate(null, new StorageOptions
        {
            Provider = "azure",
            SigningKey = "short",
            Azure = { ConnectionString = "UseDevelopmentStorage=true", Container = "Forge_Blobs", BlockSize = 1024, UploadConcurrency = 0, ListPageSize = 5001 },
        });

        result.FailureMessage.Should().Contain("Container").And.Contain("SigningKey").And.Contain("BlockSize")
            .And.Contain("UploadConcurrency").And.Contain("ListPageSize");
    }

    [Fact]
    public void AzureProviderRegistersTheAzureAdapter()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Forge:Storage:Provider"] = "azure",
            ["Forge:Storage:Azure:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Forge:Storage:SigningKey"] = new string('k', 32),
        }).Build();
        using var services = new ServiceCollection().AddForgeStorage(configuration).BuildServiceProvider();

        services.GetRequiredService<IBlobStore>().Should().BeOfType<AzureBlobStore>();
        services.GetRequiredService<IBlobStore>().GetDownloadUrl("a/b.txt", TimeSpan.FromMinutes(1)).AbsoluteUri
            .Should().StartWith("http://127.0.0.1:10000/devstoreaccount1/forge/a/b.txt?sv=");
    }

    [Fact]
    public void HostRefusesToStartWithInvalidStorageSettings()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"forge-storage-invalid-{Guid.NewGuid():N}");
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("Forge:DataPath", dataPath)
            .UseSetting("Forge:Storage:Provider", "azure"));

        var start = () => factory.CreateClient();

        start.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Forge:Storage:Azure:ConnectionString");
        if (Directory.Exists(dataPath))
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }
}
