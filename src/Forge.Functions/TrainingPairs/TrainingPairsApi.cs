using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.TrainingPairs;

/// <summary>
/// Seed 000's video-script training pairs, and what it leaves out (create, import, review, get, delete, generation).
/// Always authenticated (the fallback policy; not a seed-001 group). A pair belongs to the user who created it
/// (<c>created_by</c>, the JWT <c>sub</c> or the API key's owner): every route sees only the caller's pairs, through
/// <see cref="OwnedBy"/>, and another user's pair, hook or scene is a 404 like an unknown id.
/// </summary>
public static class TrainingPairsApi
{
    public static IEndpointRouteBuilder MapTrainingPairsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/training").WithTags("Training Pairs");
        group.MapGet("/queue", GetQueue);
        group.MapPost("/", CreatePair);
        group.MapGet("/{training_pair_id:guid}", GetPair);
        group.MapDelete("/{training_pair_id:guid}", DeletePair);
        group.MapPost("/{training_pair_id:guid}/approve", ApprovePair);
        group.MapPost("/{training_pair_id:guid}/reject", RejectPair);
        // PatchBody reads these bodies itself; Accepts keeps them in the OpenAPI document.
        group.MapPatch("/{training_pair_id:guid}/user-prompt", UpdateUserPrompt).Accepts<JsonObject>("application/json");
        group.MapPatch("/hooks/{hook_variant_id:guid}", TrainingPairEdits.UpdateHook).Accepts<JsonObject>("application/json");
        group.MapPatch("/scenes/{scene_id:guid}", TrainingPairEdits.UpdateScene).Accepts<JsonObject>("application/json");
        group.MapGet("/export/jsonl", TrainingPairTransfer.ExportJsonl);
        group.MapPost("/import", TrainingPairTransfer.ImportJsonl).DisableAntiforgery();
        group.MapPost("/generate", TrainingPairGeneration.Generate);
        group.MapGet("/generate/{run_id:guid}", TrainingPairGeneration.GetGeneration);
        return routes;
    }

    /// <summary>The pairs <paramref name="user"/> owns: the one place the routes restrict what a caller sees and changes.</summary>
    public static IQueryable<TrainingPair> OwnedBy(this IQueryable<TrainingPair> pairs, string user) =>
        pairs.Where(p => p.CreatedBy == user);

    /// <summary>Pairs with their nested lists; split so the three lists do not multiply each other's rows.</summary>
    public static IQueryable<TrainingPair> WithScript(this IQueryable<TrainingPair> pairs) =>
        pairs.Include(p => p.Hashtags).Include(p => p.HookVariants).Include(p => p.Scenes).AsSplitQuery();

    public static async Task<Ok<QueueResponse>> GetQueue(ForgeDbContext db, ICurrentUser user, CancellationToken ct, string? page = null, string? size = null, string? status = null)
    {
        var pageNumber = QueryInt("page", page, 1, 1, int.MaxValue, "Must be an integer of at least 1");
        var pageSize = QueryInt("size", size, 10, 1, 100, "Must be an integer between 1 and 100");
        var statusFilter = status?.Trim().ToUpperInvariant();
        if (status is not null && !TrainingPairStatus.All.Contains(statusFilter))
        {
            throw TrainingPairRules.BadRequest("status", $"Must be one of {string.Join(", ", TrainingPairStatus.All)}");
        }
        var query = db.TrainingPairs.AsNoTracking().OwnedBy(user.UserId);
        if (statusFilter is not null)
        {
            query = query.Where(p => p.Status == statusFilter);
        }
        var total = await query.CountAsync(ct);
        var data = (long)(pageNumber - 1) * pageSize >= total
            ? []
            : await query.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
                .Skip((pageNumber - 1) * pageSize).Take(pageSize).WithScript().ToListAsync(ct);
        var pages = (int)((total + (long)pageSize - 1) / pageSize);
        return TypedResults.Ok(new QueueResponse(200, "OK", data.Select(p => p.ToResponse()).ToList(), new PagingResponse(pageNumber, pageSize, total, pages)));
    }

    private static int QueryInt(string name, string? raw, int fallback, int min, int max, string message)
    {
        if (raw is null)
        {
            return fallback;
        }
        if (!int.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw TrainingPairRules.BadRequest(name, message);
        }
        return value;
    }

    public static async Task<Created<TrainingPairResponse>> CreatePair(CreateTrainingPairRequest request, ForgeDbContext db, ICurrentUser user,
        TimeProvider time, CancellationToken ct)
    {
        var rules = new FieldRules();
        TrainingPairRules.CheckCreate(request, rules);
        rules.ThrowIfAny();
        var pairId = request.PairId!.Trim();
        if (await db.TrainingPairs.OwnedBy(user.UserId).AnyAsync(p => p.PairId == pairId, ct))
        {
            throw new ConflictException($"A training pair with pair_id '{pairId}' already exists");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var pair = TrainingPairRules.NewPair(pairId, user.UserId, now);
        pair.Topic = request.Topic;
        pair.Category = request.Category;
        pair.DurationSeconds = request.DurationSeconds;
        pair.Score = request.Score;
        pair.UserPrompt = request.UserPrompt;
        pair.SystemPrompt = request.SystemPrompt;
        pair.TargetAudience = request.TargetAudience;
        pair.ContentStyle = request.ContentStyle;
        TrainingPairRules.AddHashtags(pair, request.Hashtags?.Select(h => h!) ?? [], user.UserId, now);
        TrainingPairRules.AddScript(pair, request.HookVariants?.Select(h => h!).ToList() ?? [], request.Scenes?.Select(s => s!).ToList() ?? [], user.UserId, now);
        db.TrainingPairs.Add(pair);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            // Two creates of the same pair_id at once: the unique index let one through.
            if (await db.TrainingPairs.AsNoTracking().OwnedBy(user.UserId).AnyAsync(p => p.PairId == pairId, ct))
            {
                throw new ConflictException($"A training pair with pair_id '{pairId}' already exists");
            }
            throw;
        }
        return TypedResults.Created($"/api/v1/training/{pair.Id}", pair.ToResponse());
    }

    public static async Task<Ok<TrainingPairResponse>> GetPair(Guid training_pair_id, ForgeDbContext db, ICurrentUser user, CancellationToken ct) =>
        TypedResults.Ok((await LoadAsync(db, user.UserId, training_pair_id, ct)).ToResponse());

    public static async Task<NoContent> DeletePair(Guid training_pair_id, ForgeDbContext db, ICurrentUser user, CancellationToken ct)
    {
        // The nested rows go with it (ON DELETE CASCADE).
        var deleted = await db.TrainingPairs.OwnedBy(user.UserId).Where(p => p.Id == training_pair_id).ExecuteDeleteAsync(ct);
        return deleted == 0 ? throw new NotFoundException("Training pair", training_pair_id) : TypedResults.NoContent();
    }

    public static Task<Ok<TrainingPairResponse>> ApprovePair(Guid training_pair_id, ForgeDbContext db, ICurrentUser user, TimeProvider time, CancellationToken ct) =>
        SetStatusAsync(training_pair_id, TrainingPairStatus.Approved, db, user, time, ct);

    public static Task<Ok<TrainingPairResponse>> RejectPair(Guid training_pair_id, ForgeDbContext db, ICurrentUser user, TimeProvider time, CancellationToken ct) =>
        SetStatusAsync(training_pair_id, TrainingPairStatus.Rejected, db, user, time, ct);

    private static async Task<Ok<TrainingPairResponse>> SetStatusAsync(Guid id, string status, ForgeDbContext db, ICurrentUser user, TimeProvider time, CancellationToken ct)
    {
        var pair = await LoadAsync(db, user.UserId, id, ct, tracked: true);
        pair.Status = status;
        Touch(pair, user.UserId, time);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(pair.ToResponse());
    }

    /// <summary><c>{"user_prompt": "..."}</c>; missing, blank or not a string is a 400 naming the field, as the seed says.</summary>
    public static async Task<Ok<TrainingPairResponse>> UpdateUserPrompt(Guid training_pair_id, PatchBody body, ForgeDbContext db, ICurrentUser user,
        TimeProvider time, CancellationToken ct)
    {
        var value = body.Fields["user_prompt"];
        if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(text.GetValue<string>()))
        {
            throw TrainingPairRules.BadRequest("user_prompt", value is null ? "Field required" : "Must be a non-empty string");
        }
        var pair = await LoadAsync(db, user.UserId, training_pair_id, ct, tracked: true);
        pair.UserPrompt = text.GetValue<string>();
        Touch(pair, user.UserId, time);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(pair.ToResponse());
    }

    /// <summary>The caller's pair; another user's is not found, exactly like an unknown id.</summary>
    public static async Task<TrainingPair> LoadAsync(ForgeDbContext db, string userId, Guid id, CancellationToken ct, bool tracked = false)
    {
        var query = (tracked ? db.TrainingPairs : db.TrainingPairs.AsNoTracking()).OwnedBy(userId);
        return await query.WithScript().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("Training pair", id);
    }

    public static void Touch(TrainingPair pair, string userId, TimeProvider time)
    {
        pair.UpdatedAt = time.GetUtcNow().UtcDateTime;
        pair.UpdatedBy = userId;
    }
}
