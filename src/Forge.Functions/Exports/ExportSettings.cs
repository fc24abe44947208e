using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Functions.Hosting;
using Forge.Shared.Exports;

namespace Forge.Functions.Exports;

/// <summary>
/// What an export writes: the request's fields once checked, also used for a dataset's <c>auto_export</c>.
/// <see cref="CsvFormulaEscape"/> (<c>csv_formula_escape</c>, default true) neutralises spreadsheet formulas in csv
/// cells; json and jsonl are never changed.
/// </summary>
public sealed record ExportSettings(string Format, string Schema, bool ApprovedOnly, double? MinQualityScore, bool CsvFormulaEscape = true)
{
    public static IReadOnlyList<string> KnownFilters { get; } = ["min_quality_score"];

    /// <summary>The seed's <c>filters_applied</c>: the approval rule and every filter used.</summary>
    public JsonObject FiltersApplied()
    {
        var filters = new JsonObject { ["approved_only"] = ApprovedOnly };
        if (MinQualityScore is { } min)
        {
            filters["min_quality_score"] = min;
        }
        return filters;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["format"] = Format, ["schema"] = Schema, ["approved_only"] = ApprovedOnly };
        if (MinQualityScore is { } min)
        {
            json["filters"] = new JsonObject { ["min_quality_score"] = min };
        }
        if (!CsvFormulaEscape)
        {
            // Only when off: settings stored before the option existed read back as the default, on.
            json["csv_formula_escape"] = false;
        }
        return json;
    }

    /// <summary>Checks the fields, adding errors under <paramref name="prefix"/> (e.g. <c>auto_export.</c>); null when any is wrong.</summary>
    public static ExportSettings? Parse(string? format, string? schema, bool? approvedOnly, JsonObject? filters, FieldRules rules, string prefix = "",
        bool? csvFormulaEscape = null)
    {
        var errors = 0;
        void Error(string field, string message)
        {
            rules.Add(prefix + field, message);
            errors++;
        }

        var resolvedFormat = string.IsNullOrWhiteSpace(format) ? ExportFormats.Jsonl : format.Trim().ToLowerInvariant();
        var resolvedSchema = string.IsNullOrWhiteSpace(schema) ? null : schema.Trim().ToLowerInvariant();
        if (!ExportFormats.All.Contains(resolvedFormat))
        {
            Error("format", $"Unknown format '{format}'; known: {string.Join(", ", ExportFormats.All)}");
        }
        else
        {
            resolvedSchema ??= ExportSchemas.DefaultFor(resolvedFormat);
            if (ExportSchemas.Check(resolvedFormat, resolvedSchema) is { } problem)
            {
                Error("schema", problem);
            }
        }

        double? minScore = null;
        foreach (var (key, value) in filters ?? [])
        {
            if (key == "min_quality_score")
            {
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() is >= 0 and <= 1)
                {
                    minScore = v.GetValue<double>();
                }
                else if (value is not null)
                {
                    Error("filters.min_quality_score", "Must be a number between 0 and 1");
                }
            }
            else
            {
                Error($"filters.{key}", $"Unknown filter; known: {string.Join(", ", KnownFilters)}");
            }
        }
        return errors > 0 ? null : new ExportSettings(resolvedFormat, resolvedSchema!, approvedOnly ?? true, minScore, csvFormulaEscape ?? true);
    }

    /// <summary>A dataset's <c>auto_export</c>: <c>true</c> for the defaults, or an object with the export request's fields.</summary>
    public static ExportSettings? ParseAutoExport(JsonNode? node, FieldRules rules, string field)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True:
                return new ExportSettings(ExportFormats.Jsonl, ExportSchemas.DefaultFor(ExportFormats.Jsonl), true, null);
            case JsonValue v when v.GetValueKind() is JsonValueKind.False or JsonValueKind.Null:
                return null;
            case JsonObject o:
                string? Text(string key) => o[key] is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null;
                foreach (var key in (string[])["format", "schema"])
                {
                    if (o[key] is not null && Text(key) is null)
                    {
                        rules.Add($"{field}.{key}", "Must be a string");
                    }
                }
                bool? Flag(string key)
                {
                    bool? flag = o[key] is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? b.GetValue<bool>() : null;
                    if (o[key] is not null && flag is null)
                    {
                        rules.Add($"{field}.{key}", "Must be a boolean");
                    }
                    return flag;
                }
                var approved = Flag("approved_only");
                var escape = Flag("csv_formula_escape");
                if (o["filters"] is not null and not JsonObject)
                {
                    rules.Add($"{field}.filters", "Must be an object");
                }
                return Parse(Text("format"), Text("schema"), approved, o["filters"] as JsonObject, rules, field + ".", escape);
            default:
                rules.Add(field, "Must be true, false or an object with format, schema, approved_only, filters and csv_formula_escape");
                return null;
        }
    }

    public static ExportSettings FromJson(JsonObject json) =>
        Parse(json["format"]?.GetValue<string>(), json["schema"]?.GetValue<string>(), json["approved_only"]?.GetValue<bool>(), json["filters"] as JsonObject, new FieldRules(),
            csvFormulaEscape: json["csv_formula_escape"]?.GetValue<bool>())
        ?? throw new InvalidOperationException("Stored export settings no longer validate.");
}
