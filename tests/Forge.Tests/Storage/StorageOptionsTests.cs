using Forge.Shared.Storage;
using Forge.Shared.Storage.Azure;

namespace Forge.Tests.Storage;

public sealed class StorageOptionsTests
{
    private static readonly StorageOptionsValidator Validator = new();

    [Fact]
    public void DefaultFileSystemOptionsAreValid()
    {
        Validator.Validate(null, new StorageOptions { Root = "/tmp/blobs" }).Succeeded.Should().BeTrue();
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
    public void AzureConnectionStringsInTheStandardFormsAreAccepted(string connectionString)
    {
        Validator.Validate(null, new StorageOptions { Provider = "azure", Azure = { ConnectionString = connectionString } }).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("AccountName=x", "AccountKey")]
    [InlineData("AccountKey=abc=", "AccountName")]
    public void IncompleteAzureConnectionStringsAreRejected(string connectionString, string missing)
    {
        var result = Validator.Validate(null, new StorageOptions { Provider = "azure", Azure = { ConnectionString = connectionString } });

        result.FailureMessage.Should().Contain(missing);
    }

    [Fact]
    public void InvalidContainerNameAndShortSigningKeyAreRejected()
    {
        var result = Validator.Validate(null, new StorageOptions
        {
            Provider = "azure",
            SigningKey = "short",
            Azure = { ConnectionString = "UseDevelopmentStorage=true", Container = "Forge_Blobs" },
        });

        result.FailureMessage.Should().Contain("Container").And.Contain("SigningKey");
    }
}
