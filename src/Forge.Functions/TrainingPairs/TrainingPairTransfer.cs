using System.Text;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.TrainingPairs;

/// <summary>JSONL out (seed 000's export) and in (the same format), see <see cref="TrainingPairJsonl"/> for the canonical form.</summary>
public static class TrainingPairTransfer
{
    public const string JsonlContentType = "application/jsonl";
    public const int MaxImportLines = 50_000;
    private const int SaveEvery = 200;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Streams the caller's approved pairs, oldest first (an imported file's order), each written as it is read: the file is
    /// never held in memory whatever its size.
    /// </summary>
    public static PushStreamHttpResult ExportJsonl(HttpContext context, ForgeDbContext db, ICurrentUser user)
    {
        var userId = user.UserId;
        // Set here, not through the result's file name, which would add a filename* the seed does not show.
        context.Response.Headers.ContentDisposition = "attachment; filename=training.jsonl";
        return TypedResults.Stream(async stream =>
        {
            var ct = context.RequestAborted;
            await using var writer = new StreamWriter(stream, Utf8, bufferSize: 64 * 1024) { NewLine = "\n" };
            var pairs = db.TrainingPairs.AsNoTracking().OwnedBy(userId)
                .Where(p => p.Status == TrainingPairStatus.Approved)
                .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id)
                .Include(p => p.HookVariants).Include(p => p.Scenes)
                .AsSingleQuery()
                .AsAsyncEnumerable();
            var count = 0;
            await foreach (var pair in pairs.WithCancellation(ct))
            {
                await writer.WriteLineAsync(TrainingPairJsonl.Line(pair).AsMemory(), ct);
                if (++count % 100 == 0)
                {
                    await writer.FlushAsync(ct);
                }
            }
            await writer.FlushAsync(ct);
        }, JsonlContentType);
    }

    /// <summary>
    /// A JSONL file as multipart <c>file</c>, or the raw body sent as <c>application/jsonl</c>. Valid lines become PENDING
    /// pairs owned by the caller (<c>pair_id</c>, unique among the caller's pairs, is <c>{pair_id_prefix}-{line}</c>);
    /// every other line is reported with its number and problem.
    /// </summary>
    public static async Task<Ok<ImportResponse>> ImportJsonl(HttpRequest request, ForgeDbContext db, ICurrentUser user, TimeProvider time,
        CancellationToken ct, string? pair_id_prefix = null)
    {
        var userId = user.UserId;
        Stream source;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file") ?? throw new ValidationException("file", "Field required: send the JSONL file in the multipart field 'file'");
            pair_id_prefix ??= form["pair_id_prefix"].FirstOrDefault();
            source = file.OpenReadStream();
        }
        else if (request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() is JsonlContentType or "application/x-ndjson" or "application/json-lines")
        {
            source = request.Body;
        }
        else
        {
            throw new ForgeApiException(StatusCodes.Status415UnsupportedMediaType,
                "Send the JSONL file as multipart/form-data in the field 'file', or as the body with Content-Type: application/jsonl");
        }
        var prefix = string.IsNullOrWhiteSpace(pair_id_prefix) ? $"import-{Guid.NewGuid():N}"[..17] : pair_id_prefix.Trim();
        new FieldRules().Length("pair_id_prefix", prefix, 1, TrainingPairRules.PairIdMax - 8).ThrowIfAny();
        var taken = (await db.TrainingPairs.OwnedBy(userId).Where(p => p.PairId.StartsWith(prefix + "-")).Select(p => p.PairId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        var now = time.GetUtcNow().UtcDateTime;
        var ids = new List<Guid>();
        var errors = new List<ImportLineError>();
        var lines = 0;
        var pending = 0;
        // One transaction for the file: a dropped connection or a failed save leaves nothing half-imported to duplicate on a retry.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await using (source)
        {
            using var reader = new StreamReader(source, Utf8, detectEncodingFromByteOrderMarks: true);
            var number = 0;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                if (++lines > MaxImportLines)
                {
                    errors.Add(new ImportLineError(number, $"The file has more than {MaxImportLines} lines; this line and the rest were not read"));
                    break;
                }
                var (parsed, error) = TrainingPairJsonl.Parse(line);
                var pairId = $"{prefix}-{number}";
                if (parsed is null || taken.Contains(pairId))
                {
                    errors.Add(new ImportLineError(number, error ?? $"A training pair with pair_id '{pairId}' already exists"));
                    continue;
                }
                // A microsecond apart (PostgreSQL's precision), so the file's order is the queue's and the export's.
                var pair = TrainingPairRules.NewPair(pairId, userId, now.AddTicks(number * TimeSpan.TicksPerMicrosecond));
                pair.SystemPrompt = parsed.SystemPrompt;
                pair.UserPrompt = parsed.UserPrompt;
                TrainingPairRules.AddScript(pair, parsed.Hooks, parsed.Scenes, userId, pair.CreatedAt);
                db.TrainingPairs.Add(pair);
                ids.Add(pair.Id);
                if (++pending == SaveEvery)
                {
                    await SaveAsync(db, ct);
                    pending = 0;
                }
            }
        }
        if (lines == 0)
        {
            throw new ValidationException("file", "The file holds no JSONL lines");
        }
        await SaveAsync(db, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new ImportResponse(ids.Count, errors.Count, ids, errors));
    }

    private static async Task SaveAsync(ForgeDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new ConflictException("Another import with the same pair_id_prefix saved these pair_ids first; nothing of this file was imported");
        }
        // Keeps a large file's memory flat: saved pairs need no tracking.
        db.ChangeTracker.Clear();
    }
}
