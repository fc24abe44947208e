using Forge.Shared;
using Forge.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Forge.Tests.Hosting;

/// <summary>appsettings &lt; host.json &lt; local.settings.json Values &lt; environment variables &lt; command line.</summary>
public sealed class ConfigurationPrecedenceTests : IDisposable
{
    private readonly string contentRoot = Directory.CreateTempSubdirectory("forge-config-").FullName;
    // Environment variables are process-wide: a section name of its own keeps parallel tests apart.
    private readonly string section = "Prec" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public void LaterSourcesWinInTheDocumentedOrder()
    {
        File.WriteAllText(Path.Combine(contentRoot, "appsettings.json"),
            $$$$"""{"Forge":{"{{{{section}}}}":{"App":"appsettings","Host":"appsettings","Local":"appsettings","Env":"appsettings","Cli":"appsettings"}}}""");
        File.WriteAllText(Path.Combine(contentRoot, "host.json"),
            $$$$"""{"version":"2.0","{{{{section}}}}":{"host":"host.json","local":"host.json","env":"host.json","cli":"host.json"}}""");
        File.WriteAllText(Path.Combine(contentRoot, "local.settings.json"),
            $$$$"""{"IsEncrypted":false,"Values":{"Forge:{{{{section}}}}:Local":"local","Forge__{{{{section}}}}__Env":"local","Forge:{{{{section}}}}:Cli":"local"},"ConnectionStrings":{"Forge":"Data Source=local.db"}}""");
        Environment.SetEnvironmentVariable($"Forge__{section}__Env", "env");
        Environment.SetEnvironmentVariable($"Forge__{section}__Cli", "env");
        try
        {
            var configuration = Build($"--Forge:{section}:Cli=cli");

            configuration[$"Forge:{section}:App"].Should().Be("appsettings");
            configuration[$"Forge:{section}:Host"].Should().Be("host.json");
            configuration[$"Forge:{section}:Local"].Should().Be("local");
            configuration[$"Forge:{section}:Env"].Should().Be("env");
            configuration[$"Forge:{section}:Cli"].Should().Be("cli");
            configuration.GetConnectionString("Forge").Should().Be("Data Source=local.db");
        }
        finally
        {
            Environment.SetEnvironmentVariable($"Forge__{section}__Env", null);
            Environment.SetEnvironmentVariable($"Forge__{section}__Cli", null);
        }
    }

    [Fact]
    public void HostJsonMapsLoggingAndPrefixesOtherSectionsWithForge()
    {
        File.WriteAllText(Path.Combine(contentRoot, "host.json"), """
            {"version":"2.0","logging":{"logLevel":{"default":"Warning"}},
             "extensions":{"durableTask":{"maxConcurrentActivityFunctions":8,"storageProvider":{"partitionCount":5}}}}
            """);

        var configuration = Build();

        configuration["Logging:LogLevel:Default"].Should().Be("Warning");
        configuration["Forge:Extensions:DurableTask:MaxConcurrentActivityFunctions"].Should().Be("8");
        configuration["Forge:Extensions:DurableTask:StorageProvider:PartitionCount"].Should().Be("5");
        configuration["Forge:Version"].Should().BeNull();
        configuration["version"].Should().BeNull();
    }

    [Theory]
    [InlineData(new string[0], ForgeRoleKind.All)]
    [InlineData(new[] { "--role", "api" }, ForgeRoleKind.Api)]
    [InlineData(new[] { "serve", "--role=worker" }, ForgeRoleKind.Worker)]
    public void RoleComesFromTheRoleSwitch(string[] args, ForgeRoleKind expected)
    {
        var role = ForgeRole.FromConfiguration(Build(ForgeCli.ToHostArgs(args)));

        role.Kind.Should().Be(expected);
        role.IsApi.Should().Be(expected != ForgeRoleKind.Worker);
        role.IsWorker.Should().Be(expected != ForgeRoleKind.Api);
    }

    [Fact]
    public void UnknownRoleIsRejectedAtStart()
    {
        var act = () => Build(ForgeCli.ToHostArgs(["--role", "janitor"]));

        act.Should().Throw<InvalidOperationException>().WithMessage("*api*worker*all*");
    }

    [Fact]
    public void ListensOnLocalhost8000UnlessToldOtherwise()
    {
        Build()["urls"].Should().Be(ForgeConfiguration.DefaultUrl);
        Build("--urls=http://127.0.0.1:9123")["urls"].Should().Be("http://127.0.0.1:9123");
    }

    [Fact]
    public void CliConfigurationReadsTheSameFiles()
    {
        File.WriteAllText(Path.Combine(contentRoot, "host.json"), $$$$"""{"{{{{section}}}}":{"a":"host"}}""");
        File.WriteAllText(Path.Combine(contentRoot, "local.settings.json"), $$$$"""{"Values":{"Forge__{{{{section}}}}__B":"local"}}""");

        var configuration = ForgeConfiguration.BuildStandalone(contentRoot, "Production");

        configuration[$"Forge:{section}:A"].Should().Be("host");
        configuration[$"Forge:{section}:B"].Should().Be("local");
    }

    private IConfiguration Build(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = contentRoot,
            EnvironmentName = "Production",
        });
        builder.AddForgeConfiguration();
        return builder.Configuration;
    }

    public void Dispose() => Directory.Delete(contentRoot, recursive: true);
}
