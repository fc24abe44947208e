using System.Text;
using Forge.Functions.Hosting;
using Forge.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forge.Functions.TrainingPairs;

/// <summary>JSONL out (seed 000's export) and in (the same format), see <see cref="TrainingPairJsonl"/> for the canonical form.</summary>
public static class TrainingPairTransfer
{
    public const string JsonlContentType = "application/jsonl";
    /// <summary>Hooks and scenes read per round of export queries: 50 pairs at the limits, or 1,000 pairs of five.</summary>
    public const int ExportPageRows = 10_000;
    public const int ExportPagePairs = 1_000;
    private const int SaveEvery = 200;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Streams the caller's approved pairs, oldest first (an imported file's order), a page at a time: the file is never held
    /// in memory whatever its size.
    /// </summary>
    public static PushStreamHttpResult ExportJsonl(HttpContext context, ForgeDbContext db, ICurrentUser user)
    {
        var userId = user.UserId;
        // Set here, not through the result's file name, which would add a filename* the seed does not show.
        context.Response.Headers.ContentDisposition = "attachment; filename=training.jsonl";
        return TypedResults.Stream(stream => WriteJsonlAsync(db, userId, stream, context.RequestAborted), JsonlContentType);
    }

    /// <summary>
    /// The export's lines, a page of pairs at a time: the page's pairs, then their hooks, then their scenes, each its own
    /// query by key. One query joining both lists would return hooks × scenes rows per pair (10,000 for a pair at the limits,
    /// four million for the 2,000 × 2,000 pair that once took 37 s). A page holds up to <see cref="ExportPageRows"/> hooks
    /// and scenes (at most <see cref="ExportPagePairs"/> pairs), so memory stays at one page whatever the number of pairs;
    /// only the pairs' ids and sizes are read up front.
    /// </summary>
    public static async Task WriteJsonlAsync(ForgeDbContext db, string userId, Stream stream, CancellationToken ct)
    {
        await using var writer = new StreamWriter(stream, Utf8, bufferSize: 64 * 1024) { NewLine = "\n" };
        var pairs = await db.TrainingPairs.OwnedBy(userId).Where(p => p.Status == TrainingPairStatus.Approved)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Select(p => new { p.Id, Rows = p.HookVariants.Count + p.Scenes.Count }).ToListAsync(ct);
        var page = new List<Guid>();
        var rows = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            page.Add(pairs[i].Id);
            rows += pairs[i].Rows;
            if (i + 1 == pairs.Count || page.Count == ExportPagePairs || rows + pairs[i + 1].Rows > ExportPageRows)
            {
                await WritePageAsync(db, page, writer, ct);
                page.Clear();
                rows = 0;
            }
        }
    }

    private static async Task WritePageAsync(ForgeDbContext db, List<Guid> page, StreamWriter writer, CancellationToken ct)
    {
        // Three lookups by key, not Include + AsSplitQuery: EF's split queries join the pairs back in and sort, and SQLite
        // then scans every hook (or scene) for each page. The ids are the owner's approved pairs, so no filter is repeated.
        var pairs = await db.TrainingPairs.AsNoTracking().Where(p => page.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        await foreach (var hook in db.TrainingPairHookVariants.AsNoTracking().Where(h => page.Contains(h.TrainingPairId)).AsAsyncEnumerable().WithCancellation(ct))
        {
            pairs.GetValueOrDefault(hook.TrainingPairId)?.HookVariants.Add(hook);
        }
        await foreach (var scene in db.TrainingPairScenes.AsNoTracking().Where(s => page.Contains(s.TrainingPairId)).AsAsyncEnumerable().WithCancellation(ct))
        {
            pairs.GetValueOrDefault(scene.TrainingPairId)?.Scenes.Add(scene);
        }
        // A pair deleted since the ids were read is left out.
        foreach (var id in page)
        {
            if (pairs.TryGetValue(id, out var pair))
            {
                await writer.WriteLineAsync(TrainingPairJsonl.Line(pair).AsMemory(), ct);
            }
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>
    /// A JSONL file as multipart <c>file</c>, or the raw body sent as <c>application/jsonl</c>. Valid lines become PENDING
    /// pairs owned by the caller (<c>pair_id</c>, unique among the caller's pairs, is <c>{pair_id_prefix}-{line}</c>);
    /// every other line is reported with its number and problem. Read a line at a time (<see cref="JsonlLineReader"/>): a
    /// line over <see cref="TrainingPairOptions.MaxImportLineBytes"/> is one more reported line, a body over
    /// <see cref="TrainingPairOptions.MaxImportBytes"/> a 413 with nothing imported.
    /// </summary>
    public static async Task<Ok<ImportResponse>> ImportJsonl(HttpRequest request, ForgeDbContext db, ICurrentUser user, TimeProvider time,
        IOptions<TrainingPairOptions> options, CancellationToken ct, string? pair_id_prefix = null)
    {
        var userId = user.UserId;
        var limits = options.Value;
        Stream source;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file") ?? throw new ValidationException("file", "Field required: send the JSONL file in the multipart field 'file'");
            pair_id_prefix ??= form["pair_id_prefix"].FirstOrDefault();
            source = file.Length > limits.MaxImportBytes ? throw JsonlLineReader.TooLarge(limits.MaxImportBytes) : file.OpenReadStream();
        }
        else if (request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() is JsonlContentType or "application/x-ndjson" or "application/json-lines")
        {
            // A declared length over the limit is refused before anything is read; a chunked body is counted as it is read.
            source = request.ContentLength > limits.MaxImportBytes ? throw JsonlLineReader.TooLarge(limits.MaxImportBytes) : request.Body;
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
            await foreach (var (number, line) in new JsonlLineReader(source, limits.MaxImportLineBytes, limits.MaxImportBytes).ReadAsync(ct))
            {
                if (line is not null && string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                if (++lines > limits.MaxImportLines)
                {
                    errors.Add(new ImportLineError(number, $"The file has more than {limits.MaxImportLines} lines; this line and the rest were not read"));
                    break;
                }
                if (line is null)
                {
                    errors.Add(new ImportLineError(number,
                        $"The line is longer than {limits.MaxImportLineBytes} bytes ({TrainingPairOptions.SectionName}:MaxImportLineBytes); it was not read"));
                    continue;
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
