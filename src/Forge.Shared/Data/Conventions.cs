using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Forge.Shared.Data;

public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

public sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
    v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
    v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));

public sealed class JsonObjectConverter() : ValueConverter<JsonObject, string>(
    v => v.ToJsonString(null),
    v => JsonNode.Parse(v, null, default)!.AsObject());

public sealed class JsonObjectComparer() : ValueComparer<JsonObject>(
    (a, b) => (a == null ? null : a.ToJsonString(null)) == (b == null ? null : b.ToJsonString(null)),
    v => v.ToJsonString(null).GetHashCode(),
    v => JsonNode.Parse(v.ToJsonString(null), null, default)!.AsObject());

public static class ModelConfigurationBuilderExtensions
{
    /// <summary>
    /// Forge's storage conventions: every timestamp is UTC in and out whatever the provider hands back, and
    /// free-form JSON objects (<see cref="JsonObject"/>) are scalar columns, <c>json</c> on PostgreSQL (which,
    /// unlike jsonb, keeps the text as written) and TEXT on SQLite, so they round-trip unchanged.
    /// </summary>
    public static ModelConfigurationBuilder UseForgeConventions(this ModelConfigurationBuilder builder, bool postgres)
    {
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
        builder.Properties<JsonObject>().HaveConversion<JsonObjectConverter, JsonObjectComparer>().HaveColumnType(postgres ? "json" : "TEXT");
        return builder;
    }
}

public static class ModelBuilderExtensions
{
    /// <summary>Tables and columns in snake_case, as PostgreSQL users expect and psql needs no quoting for.</summary>
    public static void UseSnakeCaseNames(this ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
            foreach (var key in entity.GetKeys())
            {
                key.SetName(ToSnakeCase(key.GetName() ?? "pk"));
            }
            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(ToSnakeCase(index.GetDatabaseName() ?? "ix"));
            }
            foreach (var fk in entity.GetForeignKeys())
            {
                fk.SetConstraintName(ToSnakeCase(fk.GetConstraintName() ?? "fk"));
            }
        }
    }

    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]) && i > 0 && char.IsUpper(name[i - 1]);
                if (previousIsLowerOrDigit || nextIsLower)
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
