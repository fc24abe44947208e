using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Forge.Tests.Data;

public sealed record ColumnSchema(string Name, string Type, bool Nullable, int? MaxLength, string? Default)
{
    public override string ToString() =>
        $"{Type}{(MaxLength is { } length ? $"({length})" : "")} {(Nullable ? "NULL" : "NOT NULL")}{(Default is null ? "" : $" DEFAULT {Default}")}";
}

/// <summary>An index, or the primary key (<see cref="Primary"/>); <see cref="Extra"/> holds the method or filter where the provider reports one.</summary>
public sealed record IndexSchema(string Name, string Columns, bool Unique, bool Primary, string? Extra)
{
    public override string ToString() =>
        $"{(Primary ? "PRIMARY KEY " : Unique ? "UNIQUE " : "")}({Columns}){(Extra is null ? "" : $" {Extra}")}";
}

public sealed record TableSchema(
    string Name,
    IReadOnlyDictionary<string, ColumnSchema> Columns,
    IReadOnlyDictionary<string, IndexSchema> Indexes,
    IReadOnlyDictionary<string, string> Constraints);

/// <summary>
/// What a database looks like (tables, columns, indexes, constraints), read from the catalog, so that a
/// migrated database can be compared with one created from the model.
/// </summary>
public sealed record DatabaseSchema(IReadOnlyDictionary<string, TableSchema> Tables)
{
    /// <summary>Every way <paramref name="migrations"/> differs from <paramref name="model"/>, one readable line each.</summary>
    public static IReadOnlyList<string> Differences(DatabaseSchema model, DatabaseSchema migrations)
    {
        var differences = new List<string>();
        foreach (var name in model.Tables.Keys.Union(migrations.Tables.Keys).Order(StringComparer.Ordinal))
        {
            var wanted = model.Tables.GetValueOrDefault(name);
            var actual = migrations.Tables.GetValueOrDefault(name);
            if (actual is null)
            {
                var columns = string.Join(", ", wanted!.Columns.Values.Select(c => $"{c.Name} {c}"));
                differences.Add($"table {name}: in the model but no migration creates it (columns: {columns})");
                continue;
            }
            if (wanted is null)
            {
                differences.Add($"table {name}: created by the migrations but not in the model");
                continue;
            }
            Compare(differences, name, "column", wanted.Columns, actual.Columns);
            Compare(differences, name, "index", wanted.Indexes, actual.Indexes);
            Compare(differences, name, "constraint", wanted.Constraints, actual.Constraints);
        }
        return differences;
    }

    private static void Compare<T>(List<string> differences, string table, string kind, IReadOnlyDictionary<string, T> model, IReadOnlyDictionary<string, T> migrations)
        where T : notnull
    {
        foreach (var name in model.Keys.Union(migrations.Keys).Order(StringComparer.Ordinal))
        {
            var inModel = model.TryGetValue(name, out var wanted);
            var inMigrations = migrations.TryGetValue(name, out var actual);
            if (!inMigrations)
            {
                differences.Add($"{kind} {table}.{name}: in the model as '{wanted}' but no migration creates it");
            }
            else if (!inModel)
            {
                differences.Add($"{kind} {table}.{name}: the migrations create '{actual}' but the model has no such {kind}");
            }
            else if (!Equals(wanted, actual))
            {
                differences.Add($"{kind} {table}.{name}: the model wants '{wanted}' but the migrations create '{actual}'");
            }
        }
    }

    internal static async Task<List<object?[]>> QueryAsync(DbContext db, string sql, params (string Name, object Value)[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync();
        }
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        var rows = new List<object?[]>();
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>EF's own bookkeeping tables (history, and the migration lock on SQLite) are not part of the model.</summary>
    internal static bool IsMigrationsTable(string name) => name.StartsWith("__EFMigrations", StringComparison.Ordinal);
}

public static class SqliteSchema
{
    public static async Task<DatabaseSchema> ReadAsync(DbContext db)
    {
        var tables = new Dictionary<string, TableSchema>(StringComparer.Ordinal);
        var names = await DatabaseSchema.QueryAsync(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        foreach (var table in names.Select(r => (string)r[0]!).Where(n => !DatabaseSchema.IsMigrationsTable(n)))
        {
            var columns = new Dictionary<string, ColumnSchema>(StringComparer.Ordinal);
            var primaryKey = new List<(long Position, string Column)>();
            foreach (var row in await DatabaseSchema.QueryAsync(db, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($t)", ("$t", table)))
            {
                var column = (string)row[0]!;
                // SQLite ignores declared lengths and compares type names case-insensitively.
                columns[column] = new ColumnSchema(column, ((string)row[1]!).ToUpperInvariant(), (long)row[2]! == 0, null, row[3] as string);
                if ((long)row[4]! > 0)
                {
                    primaryKey.Add(((long)row[4]!, column));
                }
            }

            var indexes = new Dictionary<string, IndexSchema>(StringComparer.Ordinal);
            if (primaryKey.Count > 0)
            {
                indexes["(primary key)"] = new IndexSchema("(primary key)", string.Join(", ", primaryKey.OrderBy(p => p.Position).Select(p => p.Column)), true, true, null);
            }
            foreach (var row in await DatabaseSchema.QueryAsync(db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list($t)", ("$t", table)))
            {
                var index = (string)row[0]!;
                if ((string)row[2]! == "pk")
                {
                    continue; // The primary key's automatic index; the key itself is compared above.
                }
                var indexColumns = await DatabaseSchema.QueryAsync(db, "SELECT name FROM pragma_index_info($i) ORDER BY seqno", ("$i", index));
                indexes[index] = new IndexSchema(index, string.Join(", ", indexColumns.Select(c => c[0] as string ?? "(expression)")),
                    (long)row[1]! == 1, false, (long)row[3]! == 1 ? "partial" : null);
            }

            var constraints = new Dictionary<string, string>(StringComparer.Ordinal);
            var foreignKeys = await DatabaseSchema.QueryAsync(db, "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list($t) ORDER BY id, seq", ("$t", table));
            foreach (var fk in foreignKeys.GroupBy(r => (long)r[0]!))
            {
                var rows = fk.ToList();
                var name = $"fk ({string.Join(", ", rows.Select(r => r[2]))})";
                constraints[name] = $"REFERENCES {rows[0][1]} ({string.Join(", ", rows.Select(r => r[3]))}) ON DELETE {rows[0][4]}";
            }
            tables[table] = new TableSchema(table, columns, indexes, constraints);
        }
        return new DatabaseSchema(tables);
    }
}

public static class PostgresSchema
{
    private const string Columns = """
        SELECT table_name, column_name, CASE WHEN data_type IN ('ARRAY', 'USER-DEFINED') THEN udt_name ELSE data_type END,
               is_nullable = 'YES', character_maximum_length, column_default
        FROM information_schema.columns
        WHERE table_schema = current_schema()
        """;

    private const string Indexes = """
        SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary, am.amname, pg_get_expr(ix.indpred, ix.indrelid),
               array_to_string(ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true) FROM generate_series(1, ix.indnkeyatts) AS k ORDER BY k), ', ')
        FROM pg_index ix
        JOIN pg_class i ON i.oid = ix.indexrelid
        JOIN pg_class t ON t.oid = ix.indrelid
        JOIN pg_am am ON am.oid = i.relam
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema()
        """;

    private const string Constraints = """
        SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND c.contype <> 'p'
        """;

    public static async Task<DatabaseSchema> ReadAsync(DbContext db)
    {
        var names = await DatabaseSchema.QueryAsync(db,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
        var tables = names.Select(r => (string)r[0]!).Where(n => !DatabaseSchema.IsMigrationsTable(n)).ToHashSet(StringComparer.Ordinal);
        var columns = (await DatabaseSchema.QueryAsync(db, Columns)).Where(r => tables.Contains((string)r[0]!))
            .Select(r => ((string)r[0]!, new ColumnSchema((string)r[1]!, (string)r[2]!, (bool)r[3]!, r[4] is null ? null : Convert.ToInt32(r[4], System.Globalization.CultureInfo.InvariantCulture), r[5] as string)))
            .ToList();
        var indexes = (await DatabaseSchema.QueryAsync(db, Indexes)).Where(r => tables.Contains((string)r[0]!))
            .Select(r => ((string)r[0]!, new IndexSchema((string)r[1]!, (string)r[6]!, (bool)r[2]!, (bool)r[3]!,
                string.Join(" ", new[] { (string)r[4]! == "btree" ? null : $"USING {r[4]}", r[5] is null ? null : $"WHERE {r[5]}" }.OfType<string>()) is { Length: > 0 } extra ? extra : null)))
            .ToList();
        var constraints = (await DatabaseSchema.QueryAsync(db, Constraints)).Where(r => tables.Contains((string)r[0]!))
            .Select(r => ((string)r[0]!, (string)r[1]!, (string)r[2]!))
            .ToList();
        return new DatabaseSchema(tables.ToDictionary(t => t, t => new TableSchema(
            t,
            columns.Where(c => c.Item1 == t).ToDictionary(c => c.Item2.Name, c => c.Item2, StringComparer.Ordinal),
            indexes.Where(i => i.Item1 == t).ToDictionary(i => i.Item2.Name, i => i.Item2, StringComparer.Ordinal),
            constraints.Where(c => c.Item1 == t).ToDictionary(c => c.Item2, c => c.Item3, StringComparer.Ordinal)), StringComparer.Ordinal));
    }
}
