using System.Text.Json.Nodes;
using Forge.Functions.Datasets;
using Forge.Functions.Exports;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Forge.Shared.Quality;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Review;

/// <summary>
/// Human review of dataset items. Every action is kept in the history; the latest approve or reject is the
/// item's status. Reviews of one dataset are serialized on its row, so its counts and the automatic export
/// (ReviewToExport) see every earlier review.
/// </summary>
public static class ReviewApi
{
    public static IEndpointRouteBuilder MapReviewApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSeed001Group("/api/v1/dataset/review").WithTags("Review");
        group.MapGet("/pending", ListPending);
        group.MapGet("/{item_id:guid}", GetItem);
        group.MapPost("/{item_id:guid}/approve", ApproveItem);
        group.MapPost("/{item_id:guid}/reject", RejectItem);
        group.MapPost("/{item_id:guid}/edit", EditItem);
        group.MapGet("/{item_id:guid}/history", GetHistory);
        return routes;
    }

    public static async Task<Ok<List<ReviewItemResponse>>> ListPending(ForgeDbContext db, CancellationToken ct, Guid? dataset_id = null, int? limit = null)
    {
        new FieldRules().Check(limit is null or >= 1, "limit", "Must be a positive integer").ThrowIfAny();
        var query = db.DatasetItems.AsNoTracking().Where(i => i.ReviewStatus == ReviewStatus.Pending);
        if (dataset_id is not null)
        {
            query = query.Where(i => i.DatasetId == dataset_id);
        }
        var rows = query.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
            .Join(db.Datasets, i => i.DatasetId, d => d.Id, (i, d) => new { Item = i, d.Name });
        if (limit is not null)
        {
            rows = rows.Take(limit.Value);
        }
        var items = await rows.ToListAsync(ct);
        return TypedResults.Ok(items.Select(r => r.Item.ToReviewResponse(r.Name)).ToList());
    }

    public static async Task<Ok<ReviewItemResponse>> GetItem(Guid item_id, ForgeDbContext db, CancellationToken ct)
    {
        var row = await db.DatasetItems.AsNoTracking().Where(i => i.Id == item_id)
            .Join(db.Datasets, i => i.DatasetId, d => d.Id, (i, d) => new { Item = i, d.Name }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Item", item_id);
        return TypedResults.Ok(row.Item.ToReviewResponse(row.Name));
    }

    public static Task<Ok<ReviewResponse>> ApproveItem(Guid item_id, ReviewDecisionRequest? request, ForgeDbContext db, DurableTaskClient client, ICurrentUser user, TimeProvider time, CancellationToken ct)
    {
        CheckReviewer(request?.ReviewerId).ThrowIfAny();
        return DecideAsync(item_id, ReviewAction.Approve, ReviewStatus.Approved, request, db, client, user, time, ct);
    }

    public static Task<Ok<ReviewResponse>> RejectItem(Guid item_id, ReviewDecisionRequest? request, ForgeDbContext db, DurableTaskClient client, ICurrentUser user, TimeProvider time, CancellationToken ct)
    {
        CheckReviewer(request?.ReviewerId)
            .Check(!string.IsNullOrWhiteSpace(request?.Justification), "justification", "Field required: a rejection needs its reason")
            .ThrowIfAny();
        return DecideAsync(item_id, ReviewAction.Reject, ReviewStatus.Rejected, request, db, client, user, time, ct);
    }

    public static async Task<Ok<ReviewResponse>> EditItem(Guid item_id, EditItemRequest request, ForgeDbContext db, DurableTaskClient client, ICurrentUser user, TimeProvider time, CancellationToken ct)
    {
        var fields = new (string Name, string? Value, Func<DatasetItem, string?> Get, Action<DatasetItem, string> Set, bool Required)[]
        {
            ("instruction", request.Instruction, i => i.Instruction, (i, v) => i.Instruction = v, true),
            ("input_text", request.InputText, i => i.InputText, (i, v) => i.InputText = v, false),
            ("ideal_response", request.IdealResponse, i => i.IdealResponse, (i, v) => i.IdealResponse = v, true),
            ("bad_response", request.BadResponse, i => i.BadResponse, (i, v) => i.BadResponse = v, false),
            ("explanation", request.Explanation, i => i.Explanation, (i, v) => i.Explanation = v, false),
        };
        var rules = CheckReviewer(request.ReviewerId)
            .Check(fields.Any(f => f.Value is not null), "body",
                "At least one of instruction, input_text, ideal_response, bad_response or explanation must be given");
        foreach (var field in fields.Where(f => f.Required && f.Value is not null))
        {
            rules.Check(!string.IsNullOrWhiteSpace(field.Value), field.Name, "Must not be empty");
        }
        rules.ThrowIfAny();

        var review = await ReviewAsync(item_id, db, client, time, ct, async (item, now) =>
        {
            JsonObject previous = [], next = [];
            foreach (var field in fields.Where(f => f.Value is not null && f.Value != f.Get(item)))
            {
                previous[field.Name] = field.Get(item);
                next[field.Name] = field.Value;
                field.Set(item, field.Value!);
            }
            if (next.Count > 0)
            {
                await RescoreAsync(db, item, ct);
                item.UpdatedAt = now;
            }
            return NewReview(item, ReviewAction.Edit, user, request.ReviewerId, request.Justification, previous, next, now);
        });
        return TypedResults.Ok(review.ToResponse());
    }

    public static async Task<Ok<List<ReviewResponse>>> GetHistory(Guid item_id, ForgeDbContext db, CancellationToken ct)
    {
        if (!await db.DatasetItems.AnyAsync(i => i.Id == item_id, ct))
        {
            throw new NotFoundException("Item", item_id);
        }
        var reviews = await db.ItemReviews.AsNoTracking().Where(r => r.DatasetItemId == item_id)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(ct);
        return TypedResults.Ok(reviews.Select(r => r.ToResponse()).ToList());
    }

    private static async Task<Ok<ReviewResponse>> DecideAsync(Guid itemId, string action, string status, ReviewDecisionRequest? request,
        ForgeDbContext db, DurableTaskClient client, ICurrentUser user, TimeProvider time, CancellationToken ct)
    {
        var review = await ReviewAsync(itemId, db, client, time, ct, (item, now) =>
        {
            item.ReviewStatus = status;
            item.ReviewedAt = now;
            item.UpdatedAt = now;
            return Task.FromResult(NewReview(item, action, user, request?.ReviewerId, request?.Justification, null, null, now));
        });
        return TypedResults.Ok(review.ToResponse());
    }

    /// <summary>
    /// Applies one review under the dataset's row lock and, when it took an item out of pending, asks ReviewToExport's
    /// rule (<see cref="AutoExportRule"/>) in the same transaction; the export it records is scheduled after the commit.
    /// </summary>
    private static async Task<ItemReview> ReviewAsync(Guid itemId, ForgeDbContext db, DurableTaskClient client, TimeProvider time,
        CancellationToken ct, Func<DatasetItem, DateTime, Task<ItemReview>> apply)
    {
        var datasetId = await db.DatasetItems.Where(i => i.Id == itemId).Select(i => (Guid?)i.DatasetId).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Item", itemId);
        DatasetExport? export = null;
        ItemReview review;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await DatasetLock.AcquireAsync(db, datasetId, ct);
            // Read the clock once the lock is held, so the history's order is the order the reviews were applied in.
            var now = time.GetUtcNow().UtcDateTime;
            await db.Datasets.Where(d => d.Id == datasetId).ExecuteUpdateAsync(s => s.SetProperty(d => d.UpdatedAt, now), ct);
            var item = await db.DatasetItems.FirstOrDefaultAsync(i => i.Id == itemId, ct) ?? throw new NotFoundException("Item", itemId);
            var wasPending = item.ReviewStatus == ReviewStatus.Pending;
            review = await apply(item, now);
            db.ItemReviews.Add(review);
            await db.SaveChangesAsync(ct);

            if (wasPending && item.ReviewStatus != ReviewStatus.Pending)
            {
                export = await AutoExportRule.StartIfDueAsync(db, datasetId, time, ct);
            }
            await tx.CommitAsync(ct);
        }
        if (export is not null)
        {
            await DatasetExporting.ScheduleAsync(client, export, ct);
        }
        return review;
    }

    private static async Task RescoreAsync(ForgeDbContext db, DatasetItem item, CancellationToken ct)
    {
        var segmentText = await db.Segments.Where(s => s.Id == item.SegmentId).Select(s => s.Content).FirstOrDefaultAsync(ct);
        if (segmentText is null)
        {
            return;
        }
        var flags = ItemQuality.Assess(new QualityInput(item.Instruction, item.InputText, item.IdealResponse, item.BadResponse, item.Explanation, segmentText)).Flags;
        flags["duplicate_of"] = item.QualityFlags["duplicate_of"]?.DeepClone();
        item.QualityFlags = flags;
        item.QualityScore = ItemQuality.ScoreOf(flags);
    }

    private static FieldRules CheckReviewer(string? reviewerId) => new FieldRules().Length("reviewer_id", reviewerId, 0, 100);

    /// <summary>
    /// The audit trail names the authenticated caller; a body's <c>reviewer_id</c> cannot stand in for them and is
    /// kept beside it as a label. Only anonymous seed-001 access (no caller) records the body's value, marked unverified.
    /// </summary>
    private static ItemReview NewReview(DatasetItem item, string action, ICurrentUser user, string? claimedReviewer, string? justification,
        JsonObject? previous, JsonObject? next, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        DatasetItemId = item.Id,
        DatasetId = item.DatasetId,
        Action = action,
        ReviewerId = user.UserIdOrDefault ?? claimedReviewer,
        ReviewerLabel = user.UserIdOrDefault is { } caller && claimedReviewer is not null && claimedReviewer != caller ? claimedReviewer : null,
        AuthMethod = user.AuthMethod,
        Justification = justification,
        PreviousValues = previous,
        NewValues = next,
        CreatedAt = now,
    };
}
