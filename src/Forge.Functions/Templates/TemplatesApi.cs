using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Templates;

public static class TemplatesApi
{
    /// <summary>The placeholder the segment text replaces when a prompt is rendered.</summary>
    public const string ContentPlaceholder = "{content}";

    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSeed001Group("/api/v1/templates").WithTags("Templates");
        group.MapPost("/", CreateTemplate);
        group.MapGet("/", ListTemplates);
        group.MapGet("/{template_id:guid}", GetTemplate);
        return routes;
    }

    public static async Task<Created<TemplateResponse>> CreateTemplate(CreateTemplateRequest request, ForgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        new FieldRules()
            .Check(request.DomainId is not null, "domain_id", "Field required")
            .Length("use_case", request.UseCase, 0, 100)
            .Required("name", request.Name, 1, 100)
            .Required("system_prompt", request.SystemPrompt, 1, int.MaxValue)
            .Required("user_prompt_template", request.UserPromptTemplate, 1, int.MaxValue)
            .Check(request.UserPromptTemplate is null || request.UserPromptTemplate.Length == 0 || request.UserPromptTemplate.Contains(ContentPlaceholder, StringComparison.Ordinal),
                "user_prompt_template", $"Must contain the placeholder {ContentPlaceholder}")
            .Length("target_model_family", request.TargetModelFamily, 0, 100)
            .ThrowIfAny();
        if (!await db.Domains.AnyAsync(d => d.Id == request.DomainId, ct))
        {
            throw new NotFoundException("Domain", request.DomainId!);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var template = new GenerationTemplate
        {
            Id = Guid.CreateVersion7(),
            DomainId = request.DomainId!.Value,
            UseCase = request.UseCase,
            Name = request.Name!,
            SystemPrompt = request.SystemPrompt!,
            UserPromptTemplate = request.UserPromptTemplate!,
            TargetModelFamily = request.TargetModelFamily,
            Config = request.Config ?? [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Templates.Add(template);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/templates/{template.Id}", template.ToResponse());
    }

    /// <summary>Active templates only, as the seed says.</summary>
    public static async Task<Ok<List<TemplateResponse>>> ListTemplates(ForgeDbContext db, CancellationToken ct, Guid? domain_id = null, string? use_case = null)
    {
        var query = db.Templates.AsNoTracking().Where(t => t.IsActive);
        if (domain_id is not null)
        {
            query = query.Where(t => t.DomainId == domain_id);
        }
        if (use_case is not null)
        {
            query = query.Where(t => t.UseCase == use_case);
        }
        var templates = await query.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(ct);
        return TypedResults.Ok(templates.Select(t => t.ToResponse()).ToList());
    }

    public static async Task<Ok<TemplateResponse>> GetTemplate(Guid template_id, ForgeDbContext db, CancellationToken ct)
    {
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == template_id, ct)
            ?? throw new NotFoundException("Template", template_id);
        return TypedResults.Ok(template.ToResponse());
    }
}
