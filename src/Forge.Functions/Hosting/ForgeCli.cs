using Forge.Shared;
using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Forge.Shared.Data;

namespace Forge.Functions.Hosting;

/// <summary>
/// The verbs that run instead of the web host: <c>token</c> and <c>apikey create|list|revoke</c>. Anything
/// else (no verb, or <c>serve</c>) starts the host with the remaining arguments.
/// </summary>
public static class ForgeCli
{
    private static readonly string[] Verbs = ["token", "apikey", "-h", "--help", "-?"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    /// <summary>Drops a leading <c>serve</c> and turns <c>--role x</c> into the <c>Forge:Role</c> key.</summary>
    public static string[] ToHostArgs(string[] args)
    {
        var result = new List<string>();
        for (var i = args.Length > 0 && args[0] == "serve" ? 1 : 0; i < args.Length; i++)
        {
            if (args[i] == "--role" && i + 1 < args.Length)
            {
                result.Add($"--{ForgeRole.ConfigurationKey}={args[++i]}");
            }
            else if (args[i].StartsWith("--role=", StringComparison.Ordinal))
            {
                result.Add($"--{ForgeRole.ConfigurationKey}={args[i]["--role=".Length..]}");
            }
            else
            {
                result.Add(args[i]);
            }
        }
        return [.. result];
    }

    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Forge: run with no verb (or 'serve [--role api|worker|all]') to start the server.")
        {
            TokenCommand(),
            ApiKeyCommand(),
        };
        return root.Parse(args).InvokeAsync(new InvocationConfiguration(), cancellationToken);
    }

    private static Command TokenCommand()
    {
        var user = new Option<string>("--user") { Description = "The user id (JWT sub).", Required = true };
        var hours = new Option<double>("--hours") { Description = "Lifetime in hours.", DefaultValueFactory = _ => JwtTokenIssuer.DefaultLifetime.TotalHours };
        var command = new Command("token", "Print a development JWT signed with the server's key, and nothing else.") { user, hours };
        command.SetAction(parse =>
        {
            var configuration = LoadConfiguration();
            var auth = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
            if (auth.UsesAuthority)
            {
                Console.Error.WriteLine("Forge:Auth:Authority is set: tokens come from that identity provider, not from Forge.");
                return 1;
            }
            var errors = auth.Validate(new ValidationContext(auth)).Select(e => e.ErrorMessage).ToList();
            var lifetime = parse.GetValue(hours);
            if (lifetime <= 0)
            {
                errors.Add("--hours must be positive.");
            }
            if (errors.Count > 0)
            {
                errors.ForEach(Console.Error.WriteLine);
                return 1;
            }
            var key = JwtSigningKey.Resolve(auth, DataOptionsFrom(configuration));
            var token = new JwtTokenIssuer(key, TimeProvider.System, auth.Audience).Issue(parse.GetRequiredValue(user), TimeSpan.FromHours(lifetime));
            Console.Out.WriteLine(token);
            return 0;
        });
        return command;
    }

    private static Command ApiKeyCommand()
    {
        var user = new Option<string>("--user") { Description = "The owner (becomes the request's sub).", Required = true };
        var name = new Option<string>("--name") { Description = "A label to tell keys apart.", Required = true };
        var create = new Command("create", "Create a key and print it once; only its hash is stored.") { user, name };
        create.SetAction((parse, ct) => WithApiKeys(async service =>
        {
            var created = await service.CreateAsync(parse.GetRequiredValue(user), parse.GetRequiredValue(name), ct);
            Console.Out.WriteLine(created.Key);
            Console.Error.WriteLine($"Created key {created.Entity.Id} for '{created.Entity.UserId}'. It is shown only this once.");
            return 0;
        }, ct));

        var listUser = new Option<string>("--user") { Description = "The owner.", Required = true };
        var list = new Command("list", "List a user's keys (never the keys themselves).") { listUser };
        list.SetAction((parse, ct) => WithApiKeys(async service =>
        {
            Console.Out.WriteLine("id\tname\tprefix\tcreated_at\tlast_used_at\trevoked_at");
            foreach (var key in await service.ListAsync(parse.GetRequiredValue(listUser), ct))
            {
                Console.Out.WriteLine(string.Join('\t', key.Id, key.Name, key.Prefix + "…", Iso(key.CreatedAt), Iso(key.LastUsedAt), Iso(key.RevokedAt)));
            }
            return 0;
        }, ct));

        var id = new Option<Guid>("--id") { Description = "The key's id (from list).", Required = true };
        var revoke = new Command("revoke", "Revoke a key; requests using it get 401 from then on.") { id };
        revoke.SetAction((parse, ct) => WithApiKeys(async service =>
        {
            if (!await service.RevokeAsync(parse.GetRequiredValue(id), ct))
            {
                Console.Error.WriteLine($"No API key with id '{parse.GetRequiredValue(id)}'.");
                return 1;
            }
            Console.Out.WriteLine($"Revoked {parse.GetRequiredValue(id)}.");
            return 0;
        }, ct));

        return new Command("apikey", "Manage X-API-Key keys.") { create, list, revoke };
    }

    /// <summary>A small service provider with just the database, migrated, and no logging on the console.</summary>
    private static async Task<int> WithApiKeys(Func<ApiKeyService, Task<int>> action, CancellationToken cancellationToken)
    {
        var configuration = LoadConfiguration();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddForgeData(configuration);
        services.AddScoped<ApiKeyService>();
        await using var provider = services.BuildServiceProvider();
        await provider.MigrateForgeDatabaseAsync(cancellationToken);
        await using var scope = provider.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ApiKeyService>());
    }

    private static IConfigurationRoot LoadConfiguration()
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environments.Production;
        return ForgeConfiguration.BuildStandalone(Directory.GetCurrentDirectory(), environment);
    }

    private static DataOptions DataOptionsFrom(IConfiguration configuration) =>
        configuration.GetSection(DataOptions.SectionName).Get<DataOptions>() ?? new DataOptions();

    private static string Iso(DateTime? value) => value?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
