using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Tests.Datasets;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.TrainingPairs;

/// <summary>Seed 000 end to end, and what the issue adds to it, on each database.</summary>
public abstract class TrainingPairsContract(ForgeApiFactory factory)
{
    private readonly TrainingPairClient alice = new(factory.CreateAuthenticatedClient("alice"));
    private readonly TrainingPairClient bob = new(factory.CreateAuthenticatedClient("bob"));

    private static object Pair(string? pairId = null) => new
    {
        pair_id = pairId ?? $"tiktok-{Guid.NewGuid():N}",
        topic = "Dicas de café ☕",
        category = "Culinária",
        duration_seconds = 60,
        score = 90,
        user_prompt = "Crie um roteiro sobre café coado",
        system_prompt = "Você é um roteirista.",
        target_audience = "Jovens adultos",
        content_style = "Educativo",
        hashtags = new[] { "#café", "#receita" },
        hook_variants = new object[]
        {
            new { hook_variant = 2, scene_number = 1, scene_type = "Hook", timestamp = "0-3s", voiceover = "Segundo gancho", order_index = 2 },
            new { hook_variant = 1, scene_number = 1, scene_type = "Hook", timestamp = "0-3s", voiceover = "Primeiro gancho", tip = "Olhe para a câmera", order_index = 1 },
        },
        scenes = new object[]
        {
            new { scene_number = 2, scene_type = "Main Content", timestamp = "3-30s", text_overlay = "Passo 1", voiceover = "Moa o café", visual = "Moedor", tip = "Luz natural" },
            new { scene_number = 3, scene_type = "CTA", timestamp = "30-60s", voiceover = "Siga para mais" },
        },
    };

    [Fact]
    public async Task ANewUserImportsTenPairsPagesEditsApprovesSixAndExportsChatFineTuningData()
    {
        // A user of their own: the queue and the export are theirs alone, whatever the other tests do.
        var dana = new TrainingPairClient(factory.CreateAuthenticatedClient($"dana-{Guid.NewGuid():N}"));
        var report = await dana.ImportAsync(SamplePairs.Jsonl);
        report.GetProperty("imported").GetInt32().Should().Be(10, report.ToString());
        report.GetProperty("failed").GetInt32().Should().Be(0);
        var ids = report.GetProperty("ids").EnumerateArray().Select(i => i.GetGuid()).ToList();

        // Page through the queue of PENDING pairs, three at a time, newest first: the file's last line comes first.
        var seen = new List<Guid>();
        for (var page = 1; page <= 4; page++)
        {
            var queue = await dana.QueueAsync($"?page={page}&size=3&status=PENDING");
            var paging = queue.GetProperty("paging");
            paging.GetProperty("page").GetInt32().Should().Be(page);
            paging.GetProperty("size").GetInt32().Should().Be(3);
            paging.GetProperty("totalItems").GetInt32().Should().Be(10);
            paging.GetProperty("totalPages").GetInt32().Should().Be(4);
            var data = queue.GetProperty("data").EnumerateArray().ToList();
            data.Should().HaveCountLessThanOrEqualTo(3);
            foreach (var pair in data)
            {
                pair.GetProperty("hook_variants").EnumerateArray().Select(h => h.GetProperty("order_index").GetInt32()).Should().BeInAscendingOrder();
                pair.GetProperty("scenes").EnumerateArray().Select(s => s.GetProperty("order_index").GetInt32()).Should().BeInAscendingOrder();
            }
            seen.AddRange(data.Select(d => d.GetProperty("id").GetGuid()));
        }
        seen.Should().Equal(Enumerable.Reverse(ids), "newest first: the user's ten imported pairs, nobody else's");

        // Edit a hook and a scene of the first imported pair.
        var first = await dana.GetAsync(ids[0]);
        var hookId = first.GetProperty("hook_variants")[0].GetProperty("id").GetGuid();
        var sceneId = first.GetProperty("scenes")[1].GetProperty("id").GetGuid();
        var hook = await dana.PatchAsync($"/api/v1/training/hooks/{hookId}", """{"voiceover":"Ninguém te contou isso! 🤫","tip":null}""");
        hook.GetProperty("voiceover").GetString().Should().Be("Ninguém te contou isso! 🤫");
        var scene = await dana.PatchAsync($"/api/v1/training/scenes/{sceneId}", """{"timestamp":"30-50s"}""");
        scene.GetProperty("timestamp").GetString().Should().Be("30-50s");

        (await dana.ExportAsync()).Body.Should().BeEmpty("nothing is approved yet");
        foreach (var id in ids.Take(6))
        {
            (await dana.ApproveAsync(id)).GetProperty("status").GetString().Should().Be("APPROVED");
        }

        var (response, body) = await dana.ExportAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/jsonl");
        response.Content.Headers.ContentDisposition!.ToString().Should().Be("attachment; filename=training.jsonl");
        body.Should().EndWith("\n");
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        lines.Should().HaveCount(6, "six pairs were approved");
        // Loaded as chat fine-tuning data: three messages with the roles in order, the assistant's a video script.
        foreach (var line in lines)
        {
            var messages = JsonDocument.Parse(line).RootElement.GetProperty("messages").EnumerateArray().ToList();
            messages.Select(m => m.GetProperty("role").GetString()).Should().Equal("system", "user", "assistant");
            messages.Should().OnlyContain(m => m.GetProperty("content").ValueKind == JsonValueKind.String);
            var script = JsonDocument.Parse(messages[2].GetProperty("content").GetString()!).RootElement;
            script.GetProperty("type").GetString().Should().Be("video_script");
            script.GetProperty("data").GetProperty("hooks").GetArrayLength().Should().BeGreaterThan(0);
            script.GetProperty("data").GetProperty("script_body").GetArrayLength().Should().BeGreaterThan(0);
        }
        var edited = lines.Single(l => l.Contains("Ninguém te contou isso! 🤫"));
        var editedScript = JsonDocument.Parse(JsonDocument.Parse(edited).RootElement.GetProperty("messages")[2].GetProperty("content").GetString()!).RootElement.GetProperty("data");
        editedScript.GetProperty("hooks")[0].GetProperty("tip").ValueKind.Should().Be(JsonValueKind.Null);
        editedScript.GetProperty("script_body")[1].GetProperty("timestamp").GetString().Should().Be("30-50s");
        lines.Skip(1).Should().Equal(SamplePairs.Lines.Skip(1).Take(5), "approved pairs nobody edited come back exactly as imported, in the file's order");
    }

    [Fact]
    public async Task ImportApproveExportReproducesTheFileByteForByte()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(SamplePairs.Jsonl));
        content.Headers.ContentType = new("application/jsonl");
        var report = await DatasetScenario.Expect(await alice.Http.PostAsync("/api/v1/training/import", content), HttpStatusCode.OK);
        var ids = report.GetProperty("ids").EnumerateArray().Select(i => i.GetGuid()).ToList();
        ids.Should().HaveCount(10);
        foreach (var id in ids)
        {
            await alice.ApproveAsync(id);
        }

        var (_, body) = await alice.ExportAsync();

        // Other tests' approved pairs may be in the export too; these ten are together and in the file's order.
        body.Should().Contain(string.Join("\n", SamplePairs.Lines) + "\n");
    }

    [Fact]
    public async Task TheQueueIsTheSeedsEnvelopeWithDefaults()
    {
        await alice.CreateAsync(Pair());
        var queue = await alice.QueueAsync();
        queue.EnumerateObject().Select(p => p.Name).Should().Equal("code", "status", "data", "paging");
        queue.GetProperty("code").GetInt32().Should().Be(200);
        queue.GetProperty("status").GetString().Should().Be("OK");
        queue.GetProperty("paging").EnumerateObject().Select(p => p.Name).Should().Equal("page", "size", "totalItems", "totalPages");
        queue.GetProperty("paging").GetProperty("page").GetInt32().Should().Be(1);
        queue.GetProperty("paging").GetProperty("size").GetInt32().Should().Be(10);
        var pair = queue.GetProperty("data")[0];
        pair.EnumerateObject().Select(p => p.Name).Should().ContainInOrder("id", "pair_id", "topic", "category", "duration_seconds", "score", "user_prompt",
            "system_prompt", "target_audience", "content_style", "created_at", "created_by", "updated_at", "updated_by", "hashtags", "hook_variants", "scenes");
        pair.GetProperty("hashtags")[0].EnumerateObject().Select(p => p.Name).Should().Equal("id", "name", "created_at", "created_by", "updated_at", "updated_by");
        pair.GetProperty("hook_variants")[0].EnumerateObject().Select(p => p.Name).Should().Equal("id", "hook_variant", "scene_number", "scene_type", "timestamp",
            "text_overlay", "voiceover", "visual", "tip", "order_index", "created_at", "created_by", "updated_at", "updated_by");
        pair.GetProperty("created_at").GetString().Should().EndWith("Z");
        var beyond = await alice.QueueAsync("?page=100000&size=100");
        beyond.GetProperty("data").GetArrayLength().Should().Be(0);
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?page=-1", "page")]
    [InlineData("?page=abc", "page")]
    [InlineData("?size=0", "size")]
    [InlineData("?size=101", "size")]
    [InlineData("?size=2.5", "size")]
    [InlineData("?page=1&size=x", "size")]
    [InlineData("?status=DONE", "status")]
    public async Task BadQueueParametersAre400NamingTheParameter(string query, string parameter)
    {
        var error = await DatasetScenario.Expect(await alice.Http.GetAsync($"/api/v1/training/queue{query}"), HttpStatusCode.BadRequest);
        error.EnumerateObject().Select(p => p.Name).Should().Equal("error", "details", "request_id");
        error.GetProperty("details").TryGetProperty(parameter, out _).Should().BeTrue(error.ToString());
    }

    [Fact]
    public async Task CreateKeepsNestedListsInOrderAndTheCallerAsCreator()
    {
        var created = await alice.CreateAsync(Pair($"pair-{Guid.NewGuid():N}"));
        created.GetProperty("created_by").GetString().Should().Be("alice");
        created.GetProperty("status").GetString().Should().Be("PENDING");
        var fetched = await alice.GetAsync(created.GetProperty("id").GetGuid());
        fetched.GetProperty("hook_variants").EnumerateArray().Select(h => h.GetProperty("voiceover").GetString()).Should().Equal("Primeiro gancho", "Segundo gancho");
        fetched.GetProperty("hook_variants")[0].GetProperty("created_by").GetString().Should().Be("alice");
        fetched.GetProperty("scenes").EnumerateArray().Select(s => s.GetProperty("order_index").GetInt32()).Should().Equal(1, 2);
        fetched.GetProperty("hashtags").EnumerateArray().Select(h => h.GetProperty("name").GetString()).Should().Equal("#café", "#receita");
        fetched.GetProperty("topic").GetString().Should().Be("Dicas de café ☕");

        var again = await alice.CreateAsync(Pair(fetched.GetProperty("pair_id").GetString()), HttpStatusCode.Conflict);
        again.GetProperty("error").GetString().Should().Contain("already exists");
        var invalid = await alice.CreateAsync(new { score = 500, duration_seconds = 0, hashtags = new[] { "" } }, HttpStatusCode.UnprocessableEntity);
        invalid.GetProperty("details").EnumerateObject().Select(p => p.Name).Should().Contain(["pair_id", "score", "duration_seconds", "hashtags[0]"]);
        (await alice.CreateAsync(new { pair_id = 5 }, HttpStatusCode.UnprocessableEntity)).GetProperty("details").TryGetProperty("pair_id", out _).Should().BeTrue();
    }

    [Fact]
    public async Task UserPromptEditsNeedAValueAndAKnownPair()
    {
        var id = (await alice.CreateAsync(Pair($"pair-{Guid.NewGuid():N}"))).GetProperty("id").GetGuid();
        var path = $"/api/v1/training/{id}/user-prompt";
        (await alice.PatchAsync(path, "{}", HttpStatusCode.BadRequest)).GetProperty("details").GetProperty("user_prompt").GetString().Should().Be("Field required");
        (await alice.PatchAsync(path, """{"user_prompt":"   "}""", HttpStatusCode.BadRequest)).GetProperty("details").TryGetProperty("user_prompt", out _).Should().BeTrue();
        (await alice.PatchAsync(path, """{"user_prompt":42}""", HttpStatusCode.BadRequest)).GetProperty("details").TryGetProperty("user_prompt", out _).Should().BeTrue();
        await alice.PatchAsync($"/api/v1/training/{Guid.NewGuid()}/user-prompt", """{"user_prompt":"x"}""", HttpStatusCode.NotFound);

        var updated = await alice.PatchAsync(path, """{"user_prompt":"Prompt baru dari user"}""");
        updated.GetProperty("user_prompt").GetString().Should().Be("Prompt baru dari user");
        updated.GetProperty("updated_by").GetString().Should().Be("alice");
        updated.GetProperty("created_by").GetString().Should().Be("alice");
        updated.GetProperty("scenes").GetArrayLength().Should().Be(2, "the whole pair comes back");
    }

    [Fact]
    public async Task HookAndScenePatchesChangeOnlyTheFieldsSent()
    {
        var pair = await alice.CreateAsync(Pair($"pair-{Guid.NewGuid():N}"));
        var hook = pair.GetProperty("hook_variants")[0];
        var scene = pair.GetProperty("scenes")[0];

        var patched = await alice.PatchAsync($"/api/v1/training/hooks/{hook.GetProperty("id")}", """{"tip":null,"hook_variant":7}""");
        patched.GetProperty("tip").ValueKind.Should().Be(JsonValueKind.Null);
        patched.GetProperty("hook_variant").GetInt32().Should().Be(7);
        patched.GetProperty("voiceover").GetString().Should().Be("Primeiro gancho", "absent fields are untouched");
        patched.GetProperty("order_index").GetInt32().Should().Be(1);
        patched.GetProperty("updated_by").GetString().Should().Be("alice");
        patched.GetProperty("updated_at").GetDateTime().Should().BeAfter(hook.GetProperty("updated_at").GetDateTime());

        var patchedScene = await alice.PatchAsync($"/api/v1/training/scenes/{scene.GetProperty("id")}", """{"visual":null,"scene_type":"Intro"}""");
        patchedScene.GetProperty("visual").ValueKind.Should().Be(JsonValueKind.Null);
        patchedScene.GetProperty("scene_type").GetString().Should().Be("Intro");
        patchedScene.GetProperty("tip").GetString().Should().Be("Luz natural");
        var whole = await alice.GetAsync(pair.GetProperty("id").GetGuid());
        whole.GetProperty("updated_at").GetDateTime().Should().BeCloseTo(patchedScene.GetProperty("updated_at").GetDateTime(), TimeSpan.FromMilliseconds(1),
            "the pair's audit fields follow its parts");

        (await alice.PatchAsync($"/api/v1/training/hooks/{hook.GetProperty("id")}", """{"scene_number":"one","visual":5}""", HttpStatusCode.UnprocessableEntity))
            .GetProperty("details").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("scene_number", "visual");
        await alice.PatchAsync($"/api/v1/training/hooks/{hook.GetProperty("id")}", "{}", HttpStatusCode.UnprocessableEntity);
        await alice.PatchAsync($"/api/v1/training/scenes/{scene.GetProperty("id")}", $$"""{"timestamp":"{{new string('9', 60)}}"}""", HttpStatusCode.UnprocessableEntity);
        await alice.PatchAsync($"/api/v1/training/hooks/{Guid.NewGuid()}", """{"tip":"x"}""", HttpStatusCode.NotFound);
        await alice.PatchAsync($"/api/v1/training/scenes/{Guid.NewGuid()}", """{"tip":"x"}""", HttpStatusCode.NotFound);
        await alice.PatchAsync($"/api/v1/training/scenes/{scene.GetProperty("id")}", "not json", HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task ApproveRejectGetAndDelete()
    {
        var id = (await alice.CreateAsync(Pair($"pair-{Guid.NewGuid():N}"))).GetProperty("id").GetGuid();
        (await alice.ApproveAsync(id)).GetProperty("status").GetString().Should().Be("APPROVED");
        var approved = await alice.QueueAsync("?status=approved&size=100");
        approved.GetProperty("data").EnumerateArray().Should().OnlyContain(p => p.GetProperty("status").GetString() == "APPROVED");
        var rejected = await DatasetScenario.Expect(await alice.Http.PostAsync($"/api/v1/training/{id}/reject", null), HttpStatusCode.OK);
        rejected.GetProperty("status").GetString().Should().Be("REJECTED");
        var hookId = rejected.GetProperty("hook_variants")[0].GetProperty("id").GetGuid();

        (await alice.Http.DeleteAsync($"/api/v1/training/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await DatasetScenario.Expect(await alice.Http.GetAsync($"/api/v1/training/{id}"), HttpStatusCode.NotFound);
        await alice.PatchAsync($"/api/v1/training/hooks/{hookId}", """{"tip":"x"}""", HttpStatusCode.NotFound);
        await DatasetScenario.Expect(await alice.Http.DeleteAsync($"/api/v1/training/{id}"), HttpStatusCode.NotFound);
        await DatasetScenario.Expect(await alice.Http.PostAsync($"/api/v1/training/{Guid.NewGuid()}/approve", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ImportReportsEachBadLineAndKeepsTheGoodOnes()
    {
        var file = string.Join("\n",
            SamplePairs.Lines[0],
            "{not json",
            "",
            """{"messages": [{"role": "user", "content": "a"}, {"role": "system", "content": "b"}, {"role": "assistant", "content": "{}"}]}""",
            """{"messages": [{"role": "system", "content": "a"}, {"role": "user", "content": "b"}, {"role": "assistant", "content": "{\"type\":\"video_script\",\"data\":{\"hooks\":[{\"hook_variant\":\"x\"}],\"script_body\":[]}}"}]}""",
            """{"messages": [{"role": "system", "content": "a"}, {"role": "user", "content": "b"}, {"role": "assistant", "content": "plain text"}]}""") + "\r\n";
        var report = await alice.ImportAsync(file, $"batch-{Guid.NewGuid():N}");
        report.GetProperty("imported").GetInt32().Should().Be(1);
        report.GetProperty("failed").GetInt32().Should().Be(4);
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        errors.Select(e => e.GetProperty("line").GetInt32()).Should().Equal(2, 4, 5, 6);
        errors[1].GetProperty("error").GetString().Should().Contain("role 'system'");
        errors[2].GetProperty("error").GetString().Should().Contain("hook_variant");
        var pair = await alice.GetAsync(report.GetProperty("ids")[0].GetGuid());
        pair.GetProperty("pair_id").GetString().Should().EndWith("-1");
        pair.GetProperty("created_by").GetString().Should().Be("alice");

        using var empty = new MultipartFormDataContent { { new ByteArrayContent([]), "file", "empty.jsonl" } };
        await DatasetScenario.Expect(await alice.Http.PostAsync("/api/v1/training/import", empty), HttpStatusCode.UnprocessableEntity);
        await DatasetScenario.Expect(await alice.Http.PostAsync("/api/v1/training/import", new StringContent("x", Encoding.UTF8, "text/csv")), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task EveryRouteNeedsAUserAndApiKeysWork()
    {
        var anonymous = factory.CreateClient();
        foreach (var (method, path) in new[] { ("GET", "/api/v1/training/queue"), ("GET", "/api/v1/training/export/jsonl"), ("POST", "/api/v1/training/import"),
                     ("POST", "/api/v1/training"), ("PATCH", $"/api/v1/training/hooks/{Guid.NewGuid()}"), ("POST", "/api/v1/training/generate") })
        {
            var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
            var body = await DatasetScenario.Expect(response, HttpStatusCode.Unauthorized);
            body.TryGetProperty("error", out _).Should().BeTrue();
        }
        var key = await factory.CreateApiKeyAsync("carol");
        var withKey = factory.CreateClient();
        withKey.DefaultRequestHeaders.Add("X-API-Key", key.Key);
        var created = await new TrainingPairClient(withKey).CreateAsync(Pair($"pair-{Guid.NewGuid():N}"));
        created.GetProperty("created_by").GetString().Should().Be("carol");
    }

    [Fact]
    public async Task AlicesPairsAreInvisibleToBobInTheQueueGetAndExport()
    {
        // Users of their own, so the counts are exact.
        var ann = new TrainingPairClient(factory.CreateAuthenticatedClient($"ann-{Guid.NewGuid():N}"));
        var ben = new TrainingPairClient(factory.CreateAuthenticatedClient($"ben-{Guid.NewGuid():N}"));
        var approved = (await ann.CreateAsync(Pair())).GetProperty("id").GetGuid();
        var pending = (await ann.CreateAsync(Pair())).GetProperty("id").GetGuid();
        await ann.ApproveAsync(approved);
        var bens = (await ben.CreateAsync(Pair())).GetProperty("id").GetGuid();

        var queue = await ben.QueueAsync("?size=100");
        queue.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).Should().Equal(bens);
        queue.GetProperty("paging").GetProperty("totalItems").GetInt32().Should().Be(1);
        queue.GetProperty("paging").GetProperty("totalPages").GetInt32().Should().Be(1);
        (await ben.QueueAsync("?status=APPROVED")).GetProperty("paging").GetProperty("totalItems").GetInt32().Should().Be(0);
        var annsQueue = await ann.QueueAsync();
        annsQueue.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).Should().Equal(pending, approved);
        annsQueue.GetProperty("paging").GetProperty("totalItems").GetInt32().Should().Be(2);

        var unknownId = Guid.NewGuid();
        var hidden = await DatasetScenario.Expect(await ben.Http.GetAsync($"/api/v1/training/{approved}"), HttpStatusCode.NotFound);
        var unknown = await DatasetScenario.Expect(await ben.Http.GetAsync($"/api/v1/training/{unknownId}"), HttpStatusCode.NotFound);
        hidden.GetProperty("error").GetString().Should().Be(unknown.GetProperty("error").GetString()!.Replace(unknownId.ToString(), approved.ToString()),
            "another user's pair is answered exactly like an unknown one");
        hidden.GetProperty("details").ToString().Should().Be(unknown.GetProperty("details").ToString());

        (await ben.ExportAsync()).Body.Should().BeEmpty("ben approved nothing; ann's approved pair is hers");
        (await ann.ExportAsync()).Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle();
    }

    [Fact]
    public async Task BobsEditsApprovalsAndDeletesOfAlicesPairAre404AndChangeNothing()
    {
        var created = await alice.CreateAsync(Pair());
        var id = created.GetProperty("id").GetGuid();
        var hookId = created.GetProperty("hook_variants")[0].GetProperty("id").GetGuid();
        var sceneId = created.GetProperty("scenes")[0].GetProperty("id").GetGuid();
        var before = (await alice.GetAsync(id)).ToString();

        await bob.PatchAsync($"/api/v1/training/{id}/user-prompt", """{"user_prompt":"Punya bob"}""", HttpStatusCode.NotFound);
        await bob.PatchAsync($"/api/v1/training/hooks/{hookId}", """{"voiceover":"Punya bob"}""", HttpStatusCode.NotFound);
        await bob.PatchAsync($"/api/v1/training/scenes/{sceneId}", """{"voiceover":"Punya bob"}""", HttpStatusCode.NotFound);
        await DatasetScenario.Expect(await bob.Http.PostAsync($"/api/v1/training/{id}/approve", null), HttpStatusCode.NotFound);
        await DatasetScenario.Expect(await bob.Http.PostAsync($"/api/v1/training/{id}/reject", null), HttpStatusCode.NotFound);
        await DatasetScenario.Expect(await bob.Http.DeleteAsync($"/api/v1/training/{id}"), HttpStatusCode.NotFound);

        (await alice.GetAsync(id)).ToString().Should().Be(before, "nothing bob sent reached alice's pair, its hooks or its scenes");
    }

    [Fact]
    public async Task TwoUsersMayUseTheSamePairIdButOneUserOnlyOnce()
    {
        var pairId = $"shared-{Guid.NewGuid():N}";
        var alices = await alice.CreateAsync(Pair(pairId));
        var bobs = await bob.CreateAsync(Pair(pairId));
        bobs.GetProperty("id").GetGuid().Should().NotBe(alices.GetProperty("id").GetGuid());
        bobs.GetProperty("created_by").GetString().Should().Be("bob");
        (await bob.CreateAsync(Pair(pairId), HttpStatusCode.Conflict)).GetProperty("error").GetString().Should().Contain("already exists");

        // Imports name their pairs {prefix}-{line}: the same prefix is free for each user once.
        var prefix = $"batch-{Guid.NewGuid():N}";
        (await alice.ImportAsync(SamplePairs.Lines[0], prefix)).GetProperty("imported").GetInt32().Should().Be(1);
        var bobsImport = await bob.ImportAsync(SamplePairs.Lines[0], prefix);
        bobsImport.GetProperty("imported").GetInt32().Should().Be(1, bobsImport.ToString());
        (await bob.GetAsync(bobsImport.GetProperty("ids")[0].GetGuid())).GetProperty("created_by").GetString().Should().Be("bob");
        (await bob.ImportAsync(SamplePairs.Lines[0], prefix)).GetProperty("failed").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task GeneratingWithoutAProviderIs422()
    {
        var error = await DatasetScenario.Expect(await alice.Http.PostAsJsonAsync("/api/v1/training/generate", new { topics = new[] { "Resep kopi" } }),
            HttpStatusCode.UnprocessableEntity);
        error.GetProperty("details").GetProperty("provider").GetString().Should().Contain("ApiKey");
        var invalid = await DatasetScenario.Expect(await alice.Http.PostAsJsonAsync("/api/v1/training/generate", new { topics = Array.Empty<string>() }),
            HttpStatusCode.UnprocessableEntity);
        invalid.GetProperty("details").TryGetProperty("topics", out _).Should().BeTrue();
    }
}

public sealed class SqliteTrainingPairsTests(ForgeApiFactory factory) : TrainingPairsContract(factory), IClassFixture<ForgeApiFactory>;

public sealed class PostgresTrainingPairsTests(PostgresForgeApiFactory factory) : TrainingPairsContract(factory), IClassFixture<PostgresForgeApiFactory>;
