using System.Security.Cryptography;
using System.Text;
using Forge.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace Forge.Functions.Hosting;

/// <summary>Creates, lists, revokes and checks <c>X-API-Key</c> keys. Only a key's SHA-256 hash is stored.</summary>
public sealed class ApiKeyService(ForgeDbContext db, TimeProvider time)
{
    public const string KeyPrefix = "fk_";
    private const int ShownPrefixLength = 10;

    /// <summary>Writing LastUsedAt on every request would turn each read into a write; a minute is precise enough.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedApiKey> CreateAsync(string userId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = KeyPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var entity = new ApiKey
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            Prefix = key[..ShownPrefixLength],
            KeyHash = Hash(key),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(entity, key);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken) =>
        await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>False when no such key exists; revoking a revoked key keeps its first revocation time.</summary>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return false;
        }
        key.RevokedAt ??= time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The active key matching <paramref name="presentedKey"/>, or null.</summary>
    public async Task<ApiKey?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!presentedKey.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var hash = Hash(presentedKey);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.KeyHash == hash && k.RevokedAt == null, cancellationToken);
        if (key is null)
        {
            return null;
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (key.LastUsedAt is null || now - key.LastUsedAt.Value >= LastUsedResolution)
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
            key.LastUsedAt = now;
        }
        return key;
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed record CreatedApiKey(ApiKey Entity, string Key);
