using System.Text.RegularExpressions;
using Forge.Functions.Hosting;
using System.Text.Json.Nodes;
using Forge.Shared.Data;
using Forge.Shared.Text.Segmentation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Domains;

public static partial class DomainsApi
{
    public static IEndpointRouteBuilder MapDomainsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSeed001Group("/api/v1/domains").WithTags("Domains");
        group.MapPost("/", CreateDomain);
        group.MapGet("/", ListDomains);
        group.MapGet("/{domain_id:guid}", GetDomain);
        group.MapPut("/{domain_id:guid}", UpdateDomain);
        return routes;
    }

    public static async Task<Created<DomainResponse>> CreateDomain(CreateDomainRequest request, ForgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        var rules = new FieldRules()
            .Required("name", request.Name, 1, 100)
            .Required("slug", request.Slug, 1, 100);
        CheckSlugFormat(rules, request.Slug);
        CheckProcessingDefaults(rules, request.Config);
        rules.ThrowIfAny();
        await EnsureSlugIsFreeAsync(db, request.Slug!, null, ct);

        var now = time.GetUtcNow().UtcDateTime;
        var domain = new Domain
        {
            Id = Guid.CreateVersion7(),
            Name = request.Name!,
            Slug = request.Slug!,
            Description = request.Description,
            Config = request.Config ?? [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Domains.Add(domain);
        await SaveSlugAsync(db, domain.Slug, ct);
        return TypedResults.Created($"/api/v1/domains/{domain.Id}", domain.ToResponse());
    }

    public static async Task<Ok<List<DomainResponse>>> ListDomains(ForgeDbContext db, CancellationToken ct, bool active_only = true)
    {
        var query = db.Domains.AsNoTracking();
        if (active_only)
        {
            query = query.Where(d => d.IsActive);
        }
        var domains = await query.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).ToListAsync(ct);
        return TypedResults.Ok(domains.Select(d => d.ToResponse()).ToList());
    }

    public static async Task<Ok<DomainResponse>> GetDomain(Guid domain_id, ForgeDbContext db, CancellationToken ct)
    {
        var domain = await db.Domains.AsNoTracking().FirstOrDefaultAsync(d => d.Id == domain_id, ct)
            ?? throw new NotFoundException("Domain", domain_id);
        return TypedResults.Ok(domain.ToResponse());
    }

    public static async Task<Ok<DomainResponse>> UpdateDomain(Guid domain_id, UpdateDomainRequest request, ForgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        var domain = await db.Domains.FirstOrDefaultAsync(d => d.Id == domain_id, ct)
            ?? throw new NotFoundException("Domain", domain_id);
        var rules = new FieldRules()
            .Length("name", request.Name, 1, 100)
            .Length("slug", request.Slug, 1, 100);
        CheckSlugFormat(rules, request.Slug);
        CheckProcessingDefaults(rules, request.Config);
        rules.ThrowIfAny();
        if (request.Slug is not null && request.Slug != domain.Slug)
        {
            await EnsureSlugIsFreeAsync(db, request.Slug, domain.Id, ct);
        }

        domain.Name = request.Name ?? domain.Name;
        domain.Slug = request.Slug ?? domain.Slug;
        domain.Description = request.Description ?? domain.Description;
        domain.Config = request.Config ?? domain.Config;
        domain.IsActive = request.IsActive ?? domain.IsActive;
        domain.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await SaveSlugAsync(db, domain.Slug, ct);
        return TypedResults.Ok(domain.ToResponse());
    }

    private static void CheckSlugFormat(FieldRules rules, string? slug) =>
        rules.Check(slug is null || slug.Length == 0 || SlugFormat().IsMatch(slug), "slug", "Invalid format: lowercase letters, digits and single hyphens (e.g. vr-chat)");

    /// <summary>The keys Forge itself reads from a domain's config must make sense; the rest is free-form.</summary>
    private static void CheckProcessingDefaults(FieldRules rules, JsonObject? config)
    {
        if (config is null)
        {
            return;
        }
        if (config["auto_process"] is { } autoProcess)
        {
            rules.Check(autoProcess is JsonValue flag && flag.TryGetValue<bool>(out _), "config.auto_process", "Must be true or false");
        }
        if (config["default_segment_type"] is { } type)
        {
            rules.Check(type is JsonValue name && name.TryGetValue<string>(out var value) && Segmenters.Create(value) is not null,
                "config.default_segment_type", $"Must be one of: {string.Join(", ", Segmenters.Known)}");
        }
        if (config["default_segment_config"] is { } segmentConfig)
        {
            if (segmentConfig is not JsonObject settings)
            {
                rules.Add("config.default_segment_config", "Must be an object like {\"max_length\": 500, \"overlap\": 50}");
                return;
            }
            foreach (var (field, message) in SegmentConfig.Parse(settings).Errors)
            {
                rules.Add($"config.default_{field}", message);
            }
        }
    }

    private static async Task EnsureSlugIsFreeAsync(ForgeDbContext db, string slug, Guid? except, CancellationToken ct)
    {
        if (await db.Domains.AnyAsync(d => d.Slug == slug && d.Id != except, ct))
        {
            throw new ValidationException("slug", $"Slug '{slug}' is already used by another domain");
        }
    }

    /// <summary>Two requests with one slug can both pass the check above; the unique index decides, with the same 422.</summary>
    private static async Task SaveSlugAsync(ForgeDbContext db, string slug, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new ValidationException("slug", $"Slug '{slug}' is already used by another domain");
        }
    }

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.NonBacktracking)]
    private static partial Regex SlugFormat();
}
