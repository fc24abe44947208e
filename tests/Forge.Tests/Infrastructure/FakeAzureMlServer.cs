using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Forge.Tests.Infrastructure;

/// <summary>
/// An in-process HTTPS server speaking the two protocols the Azure ML provider uses: ARM's Jobs - Create Or Update,
/// Get and Cancel (resource shape <c>id</c>, <c>name</c>, <c>type</c>, <c>properties</c>, <c>systemData</c>; errors as
/// <c>{"error":{"code","message"}}</c>), and Entra ID's client-credentials token endpoint, which ARM requests must
/// carry a token from. HTTPS because Azure.Core sends bearer tokens over nothing else: the certificate is made here,
/// and <see cref="Transport"/> trusts exactly it. Job statuses follow a per-job script, one step per GET.
/// </summary>
public sealed partial class FakeAzureMlServer : IAsyncDisposable
{
    public const string TenantId = "72f988bf-0000-4000-8000-00000000f0a6";
    public const string ClientId = "forge-training";
    public const string ClientSecret = "s3cret-for-tests";

    private readonly X509Certificate2 _certificate = CreateCertificate();
    private readonly ConcurrentDictionary<string, FakeAzureMlJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeArmRequest> _requests = new();
    private readonly ConcurrentQueue<FakeArmRequest> _tokenRequests = new();
    private readonly ConcurrentQueue<FakeArmFailure> _failures = new();
    private readonly ConcurrentDictionary<string, byte> _tokens = new();
    private FakeHttpHost _host = null!;

    private FakeAzureMlServer()
    {
    }

    /// <summary><c>https://127.0.0.1:PORT</c>: both the ARM endpoint and the authority host.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>How a PUT for a job that exists is answered: 400 as documented for changed inputs, 409, or 200.</summary>
    public int ExistingJobPutStatus { get; set; } = 400;

    public IReadOnlyList<FakeArmRequest> Requests => [.. _requests];

    public IReadOnlyList<FakeArmRequest> TokenRequests => [.. _tokenRequests];

    public IReadOnlyCollection<FakeAzureMlJob> Jobs => [.. _jobs.Values];

    public static async Task<FakeAzureMlServer> StartAsync()
    {
        var server = new FakeAzureMlServer();
        server._host = await FakeHttpHost.StartAsync(server.HandleAsync, certificate: server._certificate);
        server.BaseUrl = server._host.Address;
        return server;
    }

    /// <summary>A transport that trusts this server's certificate and no other.</summary>
    public HttpPipelineTransport Transport() => new HttpClientTransport(new HttpClientHandler
    {
        UseProxy = false,
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == _certificate.Thumbprint,
    });

    /// <summary>The statuses the job's next GETs answer, one each; the last one stays.</summary>
    public void ScriptStatuses(string jobName, params string[] statuses)
    {
        var job = _jobs.GetOrAdd(jobName, name => new FakeAzureMlJob(name, null));
        foreach (var status in statuses)
        {
            job.Script.Enqueue(status);
        }
    }

    /// <summary>A job created outside Forge, e.g. by someone else with the same name.</summary>
    public FakeAzureMlJob AddJob(string jobName, string status, JsonObject? tags = null)
    {
        var job = new FakeAzureMlJob(jobName, new JsonObject { ["jobType"] = "Command", ["tags"] = tags ?? new JsonObject() }) { Status = status };
        _jobs[jobName] = job;
        return job;
    }

    /// <summary>Answers the next matching ARM requests with an error instead.</summary>
    public void Fail(FakeArmFailure failure, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _failures.Enqueue(failure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (HttpMethods.IsPost(context.Request.Method) && TokenPath().Match(path) is { Success: true } token)
        {
            await IssueTokenAsync(context, token.Groups[1].Value);
            return;
        }
        JsonObject? body = null;
        if (context.Request.ContentLength > 0)
        {
            body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        }
        var request = new FakeArmRequest(context.Request.Method, path, context.Request.QueryString.Value ?? "", body,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        _requests.Enqueue(request);

        if (JobPath().Match(path) is not { Success: true } route)
        {
            await ErrorAsync(context, 404, "InvalidResourceType", $"The resource type could not be found for {path}.");
        }
        else if (!context.Request.Query.ContainsKey("api-version"))
        {
            await ErrorAsync(context, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        }
        else if (!(request.Authorization is { } bearer && bearer.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.ContainsKey(bearer["Bearer ".Length..])))
        {
            await ErrorAsync(context, 401, "InvalidAuthenticationToken", "The access token is invalid.");
        }
        else if (_failures.TryPeek(out var failure) && (failure.Method is null || failure.Method == request.Method) && _failures.TryDequeue(out _))
        {
            if (failure.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }
            await ErrorAsync(context, failure.Status, failure.Code, failure.Message);
        }
        else
        {
            var name = Uri.UnescapeDataString(route.Groups["job"].Value);
            var resourceId = path[..(path.IndexOf("/jobs/", StringComparison.Ordinal) + "/jobs/".Length)] + name;
            var answer = (request.Method, route.Groups["cancel"].Success) switch
            {
                ("PUT", false) => PutAsync(context, name, resourceId, body),
                ("GET", false) => GetAsync(context, name, resourceId),
                ("POST", true) => CancelAsync(context, name),
                _ => ErrorAsync(context, 405, "MethodNotAllowed", $"{request.Method} is not supported here."),
            };
            await answer;
        }
    }

    private async Task PutAsync(HttpContext context, string name, string resourceId, JsonObject? body)
    {
        if (body?["properties"] is not JsonObject properties || properties["jobType"] is null)
        {
            await ErrorAsync(context, 400, "UserError", "The request body must contain properties with a jobType.");
            return;
        }
        if (_jobs.TryGetValue(name, out var existing) && existing.Properties is not null)
        {
            if (ExistingJobPutStatus != 200)
            {
                await ErrorAsync(context, ExistingJobPutStatus, "UserError",
                    "A job with this name already exists. If you are trying to create a new job, use a different name. If you are trying to " +
                    "update an existing job, the existing job's Settings, Inputs, Outputs cannot be changed. Only description, tags, displayName, properties, and isArchived can be updated.");
                return;
            }
            await WriteAsync(context, 200, existing.Resource(resourceId));
            return;
        }
        var job = _jobs.AddOrUpdate(name, _ => new FakeAzureMlJob(name, properties.DeepClone().AsObject()),
            (_, scripted) => new FakeAzureMlJob(name, properties.DeepClone().AsObject(), scripted.Script));
        await WriteAsync(context, 201, job.Resource(resourceId));
    }

    private async Task GetAsync(HttpContext context, string name, string resourceId)
    {
        if (!_jobs.TryGetValue(name, out var job) || job.Properties is null)
        {
            await ErrorAsync(context, 404, "UserError", $"Job {name} was not found in the workspace.");
            return;
        }
        if (job.Script.TryDequeue(out var next))
        {
            job.Status = next;
        }
        await WriteAsync(context, 200, job.Resource(resourceId));
    }

    private async Task CancelAsync(HttpContext context, string name)
    {
        if (!_jobs.TryGetValue(name, out var job) || job.Properties is null)
        {
            await ErrorAsync(context, 404, "UserError", $"Job {name} was not found in the workspace.");
            return;
        }
        if (job.Status is "Completed" or "Failed" or "Canceled")
        {
            await ErrorAsync(context, 400, "UserError", $"Job {name} has already reached the terminal state {job.Status} and cannot be canceled.");
            return;
        }
        job.CancelRequests++;
        job.Status = "CancelRequested";
        job.Script.Clear();
        job.Script.Enqueue("Canceled");
        context.Response.Headers.Location = context.Request.Path.Value;
        context.Response.StatusCode = 202;
    }

    private async Task IssueTokenAsync(HttpContext context, string tenant)
    {
        var form = await context.Request.ReadFormAsync();
        _tokenRequests.Enqueue(new FakeArmRequest("POST", context.Request.Path.Value ?? "", "",
            new JsonObject { ["tenant"] = tenant, ["client_id"] = form["client_id"].ToString(), ["scope"] = form["scope"].ToString(), ["grant_type"] = form["grant_type"].ToString() },
            new Dictionary<string, string>()));
        if (tenant != TenantId || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            await WriteAsync(context, 401, new JsonObject
            {
                ["error"] = "invalid_client",
                ["error_description"] = "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.",
                ["error_codes"] = new JsonArray(7000215),
            });
            return;
        }
        var token = "fake-arm-token-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        _tokens[token] = 0;
        await WriteAsync(context, 200, new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3599, ["ext_expires_in"] = 3599, ["access_token"] = token });
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteAsync(context, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so that the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    [GeneratedRegex("^/([^/]+)/oauth2/v2.0/token$")]
    private static partial Regex TokenPath();

    [GeneratedRegex("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.MachineLearningServices/workspaces/[^/]+/jobs/(?<job>[^/]+)(?<cancel>/cancel)?$", RegexOptions.IgnoreCase)]
    private static partial Regex JobPath();
}

/// <summary>A job the fake holds; <see cref="Properties"/> is null for one that is only scripted, not yet created.</summary>
public sealed class FakeAzureMlJob(string name, JsonObject? properties, ConcurrentQueue<string>? script = null)
{
    public string Name => name;

    public JsonObject? Properties => properties;

    public ConcurrentQueue<string> Script { get; } = script ?? new();

    public string Status { get; set; } = "NotStarted";

    public int CancelRequests { get; set; }

    /// <summary>Set to answer the model output's resolved location, as Azure ML does for some outputs.</summary>
    public string? OutputUri { get; set; }

    public JsonObject Resource(string id)
    {
        var props = properties!.DeepClone().AsObject();
        props["status"] = Status;
        props["services"] = new JsonObject
        {
            ["Studio"] = new JsonObject { ["jobServiceType"] = "Studio", ["endpoint"] = $"https://ml.azure.com/runs/{name}?wsid=/fake" },
        };
        if (OutputUri is not null && props["outputs"]?["model"] is JsonObject model)
        {
            model["uri"] = OutputUri;
        }
        var at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["type"] = "Microsoft.MachineLearningServices/workspaces/jobs",
            ["properties"] = props,
            ["systemData"] = new JsonObject
            {
                ["createdAt"] = at, ["createdBy"] = FakeAzureMlServer.ClientId, ["createdByType"] = "Application",
                ["lastModifiedAt"] = at, ["lastModifiedBy"] = FakeAzureMlServer.ClientId, ["lastModifiedByType"] = "Application",
            },
        };
    }
}

public sealed record FakeArmRequest(string Method, string Path, string Query, JsonObject? Body, IReadOnlyDictionary<string, string> Headers)
{
    public string? Authorization => Headers.GetValueOrDefault("Authorization");
}

/// <param name="Method">Only requests with this method fail; any when null.</param>
public sealed record FakeArmFailure(int Status, string Code, string Message, int? RetryAfterSeconds = null, string? Method = null)
{
    public static FakeArmFailure Throttled(int retryAfterSeconds, string? method = null) =>
        new(429, "TooManyRequests", "The request is being throttled.", retryAfterSeconds, method);

    public static FakeArmFailure ServerError(string? method = null) =>
        new(500, "InternalServerError", "Encountered an internal server error.", null, method);

    public static FakeArmFailure Forbidden(string? method = null) => new(403, "AuthorizationFailed",
        "The client does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/jobs/write'.", null, method);
}
