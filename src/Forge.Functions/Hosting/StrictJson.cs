using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Forge.Functions.Hosting;

/// <summary>
/// Request bodies are read strictly, so that what is accepted can be stored and served back: no duplicate keys
/// (typed objects by the serializer's option, free-form objects here), no lone UTF-16 surrogates and no NUL
/// characters in any string or key. The framework's own JsonObject is built lazily, so without this a duplicate key
/// or a bad escape inside a config object surfaced later as an ArgumentException or InvalidOperationException (a 500)
/// — or was stored as sent.
/// </summary>
public static class StrictJson
{
    public static void Apply(JsonSerializerOptions options)
    {
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new StrictStringConverter());
        options.Converters.Add(new StrictNodeConverter<JsonNode>());
        options.Converters.Add(new StrictNodeConverter<JsonObject>());
        options.Converters.Add(new StrictNodeConverter<JsonArray>());
    }

    internal const string BadSurrogate = "Invalid text: a lone UTF-16 surrogate or invalid UTF-8";
    /// <summary>Also the answer for NUL in a query parameter, and if PostgreSQL ever refuses text that got past the checks.</summary>
    internal const string Nul = "Invalid text: the NUL character (\\u0000) is not allowed";

    /// <summary>
    /// For JSON Forge parses itself (import lines, PATCH bodies): the first string or key that could not be stored and
    /// served back, with where it is, or null. The document's own depth limit bounds the walk.
    /// </summary>
    public static (string Path, string Problem)? FindBadText(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return (path, BadSurrogate);
                    }
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (name.Contains('\0', StringComparison.Ordinal))
                    {
                        return (path, Nul);
                    }
                    if (FindBadText(property.Value, child) is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindBadText(item, $"{path}[{index++}]") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.String:
                try
                {
                    return element.GetString()!.Contains('\0', StringComparison.Ordinal) ? (path, Nul) : null;
                }
                catch (InvalidOperationException)
                {
                    return (path, BadSurrogate);
                }
            default:
                return null;
        }
    }

    /// <summary>
    /// The key a parser refused as given twice, from its message ("Duplicate property 'name' encountered during
    /// deserialization of type 'T'."), so errors can name the key without the .NET type.
    /// </summary>
    public static string? DuplicateKeyIn(JsonException exception)
    {
        const string prefix = "Duplicate property '";
        var message = exception.Message;
        if (!message.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var end = message.IndexOf('\'', prefix.Length);
        return end < 0 ? null : message[prefix.Length..end];
    }

    /// <summary>Reads the string at the reader, refusing what cannot round-trip through storage and back.</summary>
    internal static string ReadText(ref Utf8JsonReader reader, string relativePath)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new InvalidJsonValueException(relativePath, BadSurrogate);
        }
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidJsonValueException(relativePath, Nul);
        }
        return text;
    }

    private sealed class StrictStringConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
                ? ReadText(ref reader, "")
                : throw new JsonException("The JSON value could not be converted to a string.");

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>Builds free-form JSON eagerly (the reader bounds its depth), checking every key and string on the way.</summary>
    private sealed class StrictNodeConverter<TNode> : JsonConverter<TNode> where TNode : JsonNode
    {
        public override TNode? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadNode(ref reader, "") switch
            {
                TNode node => node,
                null => null,
                _ => throw new JsonException($"The JSON value could not be converted to {Describe(typeof(TNode))}."),
            };

        public override void Write(Utf8JsonWriter writer, TNode value, JsonSerializerOptions options) => value.WriteTo(writer, options);

        private static string Describe(Type type) => type == typeof(JsonObject) ? "an object" : type == typeof(JsonArray) ? "an array" : "a value";

        private static JsonNode? ReadNode(ref Utf8JsonReader reader, string path)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var obj = new JsonObject();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var key = ReadText(ref reader, path);
                        var childPath = path.Length == 0 ? key : $"{path}.{key}";
                        if (obj.ContainsKey(key))
                        {
                            throw new InvalidJsonValueException(childPath, $"Duplicate key '{key}'");
                        }
                        reader.Read();
                        obj[key] = ReadNode(ref reader, childPath);
                    }
                    return obj;
                case JsonTokenType.StartArray:
                    var array = new JsonArray();
                    var index = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        array.Add(ReadNode(ref reader, $"{path}[{index++}]"));
                    }
                    return array;
                case JsonTokenType.String:
                    return JsonValue.Create(ReadText(ref reader, path));
                case JsonTokenType.Number:
                    // Kept as written (1.0 stays 1.0, big integers stay exact): round-trips unchanged.
                    return JsonNode.Parse(reader.ValueSpan);
                case JsonTokenType.True:
                    return JsonValue.Create(true);
                case JsonTokenType.False:
                    return JsonValue.Create(false);
                case JsonTokenType.Null:
                    return null;
                default:
                    throw new JsonException($"Unexpected JSON token {reader.TokenType}.");
            }
        }
    }
}

/// <summary>A JSON value Forge refuses, with where it is relative to the property the serializer was reading.</summary>
public sealed class InvalidJsonValueException(string relativePath, string problem) : JsonException(problem)
{
    public string RelativePath { get; } = relativePath;

    public string Problem { get; } = problem;
}
