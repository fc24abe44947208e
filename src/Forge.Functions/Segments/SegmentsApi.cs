using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Segments;

public static class SegmentsApi
{
    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSeed001Group("/api/v1/segments").WithTags("Segments");
        group.MapGet("/", ListSegments);
        group.MapGet("/{segment_id:guid}", GetSegment);
        return routes;
    }

    /// <summary>Filters combine; oldest processing first, each in position order.</summary>
    public static async Task<Ok<List<SegmentResponse>>> ListSegments(ForgeDbContext db, CancellationToken ct,
        Guid? domain_id = null, Guid? document_id = null, string? use_case = null, string? segment_type = null)
    {
        var query = db.Segments.AsNoTracking();
        if (domain_id is not null)
        {
            query = query.Where(s => s.DomainId == domain_id);
        }
        if (document_id is not null)
        {
            query = query.Where(s => s.DocumentId == document_id);
        }
        if (use_case is not null)
        {
            query = query.Where(s => s.UseCase == use_case);
        }
        if (segment_type is not null)
        {
            query = query.Where(s => s.SegmentType == segment_type);
        }
        var segments = await query.OrderBy(s => s.CreatedAt).ThenBy(s => s.DocumentVersionId).ThenBy(s => s.Position).ToListAsync(ct);
        return TypedResults.Ok(segments.Select(s => s.ToResponse()).ToList());
    }

    public static async Task<Ok<SegmentResponse>> GetSegment(Guid segment_id, ForgeDbContext db, CancellationToken ct)
    {
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == segment_id, ct)
            ?? throw new NotFoundException("Segment", segment_id);
        return TypedResults.Ok(segment.ToResponse());
    }
}
