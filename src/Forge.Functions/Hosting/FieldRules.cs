namespace Forge.Functions.Hosting;

/// <summary>
/// Collects seed-001 style field errors (<c>{"name": "Field required"}</c>) so a request reports every
/// problem at once, then throws one <see cref="ValidationException"/>.
/// </summary>
public sealed class FieldRules
{
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    public FieldRules Required(string field, string? value, int min, int max)
    {
        if (value is null)
        {
            return Add(field, "Field required");
        }
        return Length(field, value, min, max);
    }

    public FieldRules Length(string field, string? value, int min, int max)
    {
        if (value is not null && (value.Length < min || value.Length > max))
        {
            Add(field, min == max ? $"Must be {min} characters" : $"Must be between {min} and {max} characters");
        }
        return this;
    }

    public FieldRules Check(bool ok, string field, string message) => ok ? this : Add(field, message);

    public FieldRules Add(string field, string message)
    {
        _errors.TryAdd(field, message);
        return this;
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationException(_errors);
        }
    }
}
