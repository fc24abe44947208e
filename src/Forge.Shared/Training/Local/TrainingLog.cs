using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Shared.Training.Local;

/// <summary>
/// Reads a training command's stdout from a byte offset: JSON lines
/// <c>{"event":"metrics","step":10,"loss":0.52,"epoch":1,"progress":0.1}</c>, <c>{"event":"message","message":"..."}</c>
/// and <c>{"event":"completed","model":"..."}</c>; any other line is a message. Each event's id is the byte offset of
/// its line, so it is the same whichever Forge process reads it and however often.
/// </summary>
internal static class TrainingLog
{
    private const int MaxMessageLength = 4000;

    /// <param name="offset">Where the previous read stopped: always the start of a line.</param>
    /// <param name="maxBytes">Bounds one poll; the rest waits for the next.</param>
    /// <param name="ended">The process has ended, so a last line without a newline is complete too.</param>
    public static LogRead Read(string path, long offset, int maxBytes, bool ended, DateTime at)
    {
        byte[] buffer;
        bool more;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length <= offset)
            {
                return new LogRead([], offset, false, null, null);
            }
            stream.Seek(offset, SeekOrigin.Begin);
            buffer = new byte[(int)Math.Min(maxBytes, stream.Length - offset)];
            stream.ReadExactly(buffer);
            more = stream.Length > offset + buffer.Length;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new LogRead([], offset, false, null, null);
        }

        var usable = buffer.AsSpan().LastIndexOf((byte)'\n') + 1;
        if (usable == 0 && (more || buffer.Length == maxBytes))
        {
            // One line longer than a whole read: take it as it is rather than never move on.
            usable = buffer.Length;
        }
        else if (ended && !more)
        {
            usable = buffer.Length;
        }

        var events = new List<TrainingEvent>();
        JsonObject? metrics = null;
        string? model = null;
        var start = 0;
        while (start < usable)
        {
            var newline = buffer.AsSpan(start, usable - start).IndexOf((byte)'\n');
            var end = newline < 0 ? usable : start + newline;
            var line = Encoding.UTF8.GetString(buffer, start, end - start).TrimEnd('\r');
            var id = (offset + start).ToString(CultureInfo.InvariantCulture);
            if (line.Trim().Length > 0)
            {
                events.Add(Parse(id, line, at, ref metrics, ref model));
            }
            start = end + 1;
        }
        return new LogRead(events, offset + usable, more || usable < buffer.Length, metrics, model);
    }

    private static TrainingEvent Parse(string id, string line, DateTime at, ref JsonObject? metrics, ref string? model)
    {
        var json = TryParseObject(line);
        var kind = json?["event"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        switch (kind)
        {
            case "metrics":
                var figures = new JsonObject();
                foreach (var (key, node) in json!)
                {
                    if (key != "event" && node is JsonValue number && number.GetValueKind() == JsonValueKind.Number)
                    {
                        var figure = number.GetValue<double>();
                        figures[key] = key == "progress" ? Math.Clamp(figure, 0, 1) : figure;
                    }
                }
                metrics ??= new JsonObject();
                foreach (var (key, node) in figures)
                {
                    metrics[key] = node!.DeepClone();
                }
                return new TrainingEvent(id, at, "metrics", Describe(figures), figures);
            case "message":
                return new TrainingEvent(id, at, "message", Truncate(Text(json!["message"]) ?? line));
            case "completed":
                model = Text(json!["model"]) is { Length: > 0 } name ? name : model;
                var message = model is null ? "Training completed" : $"Training completed: {model}";
                return new TrainingEvent(id, at, "message", Truncate(message), json.DeepClone().AsObject());
            default:
                return new TrainingEvent(id, at, "message", Truncate(line));
        }
    }

    private static JsonObject? TryParseObject(string line)
    {
        if (!line.TrimStart().StartsWith('{'))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        null => null,
        _ => node.ToJsonString(),
    };

    private static string Describe(JsonObject figures) => figures.Count == 0
        ? "metrics"
        : string.Join(", ", figures.Select(f => $"{f.Key} {f.Value!.GetValue<double>().ToString("G6", CultureInfo.InvariantCulture)}"));

    private static string Truncate(string text) => text.Length <= MaxMessageLength ? text : text[..MaxMessageLength] + "…";
}

/// <param name="Offset">Where the next read starts.</param>
/// <param name="More">Bytes are left that this read did not take.</param>
/// <param name="Metrics">The figures of this read's metric lines, later ones overriding earlier ones; null when none.</param>
/// <param name="Model">The model a <c>completed</c> line named, if any.</param>
internal sealed record LogRead(IReadOnlyList<TrainingEvent> Events, long Offset, bool More, JsonObject? Metrics, string? Model);
