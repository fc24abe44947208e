using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.TrainingPairs;

/// <summary>Issue 10's crafted inputs against seed 000's routes: oversized scripts, lines and bodies, duplicate keys. On each database.</summary>
public abstract class TrainingPairLimitsContract(ForgeApiFactory factory)
{
    private const int DefaultMaxLineBytes = 1024 * 1024;
    private const long DefaultMaxImportBytes = 50L * 1024 * 1024;

    /// <summary>A user of its own, so its queue holds exactly what the test made.</summary>
    private TrainingPairClient NewUser() => new(factory.CreateAuthenticatedClient($"limits-{Guid.NewGuid():N}"));

    private static async Task<JsonElement> ImportRawAsync(TrainingPairClient user, HttpContent content, HttpStatusCode expected = HttpStatusCode.OK) =>
        await DatasetScenario.Expect(await user.Http.PostAsync("/api/v1/training/import", content), expected);

    private static ByteArrayContent Jsonl(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new("application/jsonl");
        return content;
    }

    private static async Task<List<string>> PairIdsAsync(TrainingPairClient user) =>
        (await user.QueueAsync("?size=100")).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("pair_id").GetString()!).ToList();

    [Fact]
    public async Task AnImportLineWithMoreThanAHundredHooksOrScenesIsALineErrorAndTheRestImports()
    {
        var user = NewUser();
        var file = string.Join("\n", ScriptLines.Line(101, 1), ScriptLines.Line(1, 2_000), ScriptLines.Line(100, 100), SamplePairs.Lines[0]);

        var report = await user.ImportAsync(file, "big");

        report.GetProperty("imported").GetInt32().Should().Be(2, report.ToString());
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        errors.Select(e => e.GetProperty("line").GetInt32()).Should().Equal(1, 2);
        errors[0].GetProperty("error").GetString().Should().Contain("'hooks' holds 101 items; at most 100");
        errors[1].GetProperty("error").GetString().Should().Contain("'script_body' holds 2000 items; at most 100");
        (await PairIdsAsync(user)).Should().BeEquivalentTo("big-3", "big-4");

        // A pair at the limits exports whole.
        await user.ApproveAsync(report.GetProperty("ids")[0].GetGuid());
        var (_, body) = await user.ExportAsync();
        var line = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single();
        var script = JsonDocument.Parse(JsonDocument.Parse(line).RootElement.GetProperty("messages")[2].GetProperty("content").GetString()!).RootElement.GetProperty("data");
        script.GetProperty("hooks").GetArrayLength().Should().Be(100);
        script.GetProperty("script_body").GetArrayLength().Should().Be(100);
    }

    [Fact]
    public async Task AnExportOverSeveralPagesOfPairsAtTheLimitsKeepsTheFileOrderAndEveryRow()
    {
        var user = NewUser();
        // 60 pairs of 200 rows: more than one page of the export's queries.
        var lines = Enumerable.Range(1, 60).Select(i => ScriptLines.Line(100, 100, voiceover: $"pair {i}")).ToList();
        var ids = await user.ImportIdsAsync(string.Join("\n", lines));
        foreach (var id in ids)
        {
            await user.ApproveAsync(id);
        }

        var (_, body) = await user.ExportAsync();

        var exported = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
            JsonDocument.Parse(JsonDocument.Parse(line).RootElement.GetProperty("messages")[2].GetProperty("content").GetString()!).RootElement.GetProperty("data")).ToList();
        exported.Select(s => s.GetProperty("hooks")[0].GetProperty("voiceover").GetString()).Should().Equal(Enumerable.Range(1, 60).Select(i => $"pair {i}"));
        exported.Should().OnlyContain(s => s.GetProperty("hooks").GetArrayLength() == 100 && s.GetProperty("script_body").GetArrayLength() == 100
            && s.GetProperty("script_body")[99].GetProperty("voiceover").GetString() == s.GetProperty("hooks")[0].GetProperty("voiceover").GetString());
    }

    [Fact]
    public async Task CreatingAPairWithMoreThanAHundredHooksOrScenesIs422AndStoresNothing()
    {
        var user = NewUser();
        object Pair(int hooks, int scenes) => new
        {
            pair_id = $"limit-{hooks}-{scenes}",
            hook_variants = Enumerable.Range(1, hooks).Select(i => new { hook_variant = i, timestamp = "0-3s" }),
            scenes = Enumerable.Range(1, scenes).Select(i => new { scene_number = i, timestamp = "3-30s" }),
        };

        var hooks = await user.CreateAsync(Pair(101, 1), HttpStatusCode.UnprocessableEntity);
        var scenes = await user.CreateAsync(Pair(1, 101), HttpStatusCode.UnprocessableEntity);

        hooks.EnumerateObject().Select(p => p.Name).Should().Equal("error", "details", "request_id");
        hooks.GetProperty("details").GetProperty("hook_variants").GetString().Should().Contain("100");
        scenes.GetProperty("details").GetProperty("scenes").GetString().Should().Contain("100");
        (await PairIdsAsync(user)).Should().BeEmpty();
        var whole = await user.CreateAsync(Pair(100, 100));
        whole.GetProperty("hook_variants").GetArrayLength().Should().Be(100);
        whole.GetProperty("scenes").GetArrayLength().Should().Be(100);
    }

    [Fact]
    public async Task AMultiMegabyteLineIsOneLineErrorAndTheRestOfTheFileImports()
    {
        var user = NewUser();
        // A valid pair: only its size is wrong.
        var huge = ScriptLines.Line(1, 1, voiceover: new string('a', 3 * DefaultMaxLineBytes));
        var file = string.Join("\n", SamplePairs.Lines[0], huge, SamplePairs.Lines[1]) + "\n";

        var report = await ImportRawAsync(user, Jsonl(file + "\r\n" + huge));

        report.GetProperty("imported").GetInt32().Should().Be(2, report.ToString());
        report.GetProperty("failed").GetInt32().Should().Be(2);
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        errors.Select(e => e.GetProperty("line").GetInt32()).Should().Equal(2, 5);
        errors.Should().OnlyContain(e => e.GetProperty("error").GetString()!.Contains($"longer than {DefaultMaxLineBytes} bytes"));
        var pairIds = await PairIdsAsync(user);
        pairIds.Should().HaveCount(2).And.OnlyContain(id => id.EndsWith("-1") || id.EndsWith("-3"), "lines 2 and 5 were not imported");
    }

    [Fact]
    public async Task ABodyOverTheImportLimitIs413AndImportsNothing()
    {
        var user = NewUser();
        // 250 valid lines first, so a batch of them is saved before the limit is reached.
        var start = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(SamplePairs.Lines[0] + "\n", 250)) + """{"messages": [{"role": "system", "content": " """);
        // Sent without a length, so the limit is found by counting; the one line is far over the line limit too.
        var chunked = new StreamContent(new GeneratedBody(start, (byte)'a', DefaultMaxImportBytes + 1));
        chunked.Headers.ContentType = new("application/jsonl");
        var declared = new StreamContent(new GeneratedBody(start, (byte)'a', DefaultMaxImportBytes + 1));
        declared.Headers.ContentType = new("application/jsonl");
        declared.Headers.ContentLength = DefaultMaxImportBytes + 1;

        foreach (var content in new HttpContent[] { chunked, declared })
        {
            var error = await ImportRawAsync(user, content, HttpStatusCode.RequestEntityTooLarge);
            error.EnumerateObject().Select(p => p.Name).Should().Equal("error", "details", "request_id");
            error.GetProperty("error").GetString().Should().Contain("MaxImportBytes");
        }
        (await PairIdsAsync(user)).Should().BeEmpty("the first lines were valid and some saved, but the import is one transaction");
    }

    [Fact]
    public async Task DuplicateKeysInPatchBodiesAre422NamingTheKeyAndChangeNothing()
    {
        var user = NewUser();
        var pair = await user.CreateAsync(new
        {
            pair_id = "dup", user_prompt = "antes",
            hook_variants = new[] { new { hook_variant = 1, timestamp = "0-3s", tip = "antes" } },
            scenes = new[] { new { scene_number = 2, timestamp = "3-30s", tip = "antes" } },
        });
        var id = pair.GetProperty("id").GetGuid();
        var before = (await user.GetAsync(id)).ToString();

        foreach (var (path, body, key) in new[]
                 {
                     ($"/api/v1/training/hooks/{pair.GetProperty("hook_variants")[0].GetProperty("id")}", """{"tip":"a","tip":"b"}""", "tip"),
                     ($"/api/v1/training/scenes/{pair.GetProperty("scenes")[0].GetProperty("id")}", """{"tip":null,"visual":"x","tip":"b"}""", "tip"),
                     ($"/api/v1/training/{id}/user-prompt", """{"user_prompt":"a","user_prompt":"b"}""", "user_prompt"),
                 })
        {
            var error = await user.PatchAsync(path, body, HttpStatusCode.UnprocessableEntity);
            error.EnumerateObject().Select(p => p.Name).Should().Equal("error", "details", "request_id");
            error.GetProperty("details").GetProperty("body").GetString().Should().Contain($"'{key}' is given twice");
        }
        (await user.GetAsync(id)).ToString().Should().Be(before);
        (await user.PatchAsync($"/api/v1/training/{id}/user-prompt", "[1]", HttpStatusCode.UnprocessableEntity)).GetProperty("details").TryGetProperty("body", out _)
            .Should().BeTrue();
    }

    [Fact]
    public async Task AnImportLineWithADuplicateKeyIsALineError()
    {
        var user = NewUser();
        var envelope = SamplePairs.Lines[0].Replace("{\"messages\": [", "{\"messages\": [], \"messages\": [", StringComparison.Ordinal);
        var script = SamplePairs.Lines[0].Replace("\\\"data\\\":{\\\"hooks\\\":[", "\\\"data\\\":{\\\"hooks\\\":[],\\\"hooks\\\":[", StringComparison.Ordinal);
        script.Should().NotBe(SamplePairs.Lines[0]);

        var report = await user.ImportAsync(string.Join("\n", envelope, script, SamplePairs.Lines[1]));

        report.GetProperty("imported").GetInt32().Should().Be(1, report.ToString());
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        errors.Select(e => e.GetProperty("line").GetInt32()).Should().Equal(1, 2);
        errors[0].GetProperty("error").GetString().Should().Contain("'messages'");
        errors[1].GetProperty("error").GetString().Should().Contain("messages[2].content").And.Contain("'hooks'");
    }
    [Theory]
    [InlineData("\\ud800")]
    [InlineData("\\u0000")]
    public async Task BadTextInAnImportLineIsALineErrorAndInAPatchA422(string escaped)
    {
        var user = NewUser();
        var bad = SamplePairs.Lines[0].Replace("\"role\": \"user\", \"content\": \"", $"\"role\": \"user\", \"content\": \"x{escaped}", StringComparison.Ordinal);
        bad.Should().NotBe(SamplePairs.Lines[0]);

        var report = await user.ImportAsync(string.Join("\n", bad, SamplePairs.Lines[1]));

        report.GetProperty("imported").GetInt32().Should().Be(1, report.ToString());
        report.GetProperty("errors").EnumerateArray().Single().GetProperty("line").GetInt32().Should().Be(1);
        var pair = await user.CreateAsync(new { pair_id = $"t-{Guid.NewGuid():N}", user_prompt = "antes",
            hook_variants = new[] { new { hook_variant = 1, timestamp = "0-3s", tip = "antes" } } });
        var id = pair.GetProperty("id").GetGuid();
        await user.PatchAsync($"/api/v1/training/{id}/user-prompt", $$"""{"user_prompt":"a{{escaped}}"}""", HttpStatusCode.UnprocessableEntity);
        await user.PatchAsync($"/api/v1/training/hooks/{pair.GetProperty("hook_variants")[0].GetProperty("id")}", $$"""{"tip":"a{{escaped}}"}""", HttpStatusCode.UnprocessableEntity);
        (await user.GetAsync(id)).GetProperty("user_prompt").GetString().Should().Be("antes");
    }
}


public sealed class SqliteTrainingPairLimitsTests(ForgeApiFactory factory) : TrainingPairLimitsContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresTrainingPairLimitsTests(PostgresForgeApiFactory factory) : TrainingPairLimitsContract(factory), IClassFixture<PostgresForgeApiFactory>;
